package dev.jobledger.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobledger.infrastructure.Terraform.Block;
import dev.jobledger.infrastructure.Terraform.Configuration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobQueueTest {

    /** Jobs allow maxAttempts up to 10; a message must survive more receives than that. */
    private static final int HIGHEST_MAX_ATTEMPTS = 10;

    private final Terraform terraform = Terraform.sources();
    private final Configuration module = terraform.module("sqs-jobs");

    @Test
    void jobQueueAndDeadLetterQueueAreEncryptedAtRest() {
        List<Block> queues = module.resources("aws_sqs_queue");

        assertThat(queues).extracting(Block::name).containsExactlyInAnyOrder("jobs", "dlq");
        assertThat(queues).allSatisfy(queue -> {
            assertThat(queue.body()).containsKeys("sqs_managed_sse_enabled", "kms_master_key_id");
            assertThat(Terraform.squash(queue.source()))
                    .contains("sqs_managed_sse_enabled = local.use_kms ? null : true")
                    .contains("kms_master_key_id = var.kms_key_arn");
        });
        assertThat(Terraform.squash(module.source())).contains("use_kms = var.kms_key_arn != null");
    }

    @Test
    void jobQueueRedrivesToTheDeadLetterQueue() {
        String queue = Terraform.squash(module.resource("aws_sqs_queue", "jobs").source());

        assertThat(queue)
                .contains("redrive_policy = jsonencode({")
                .contains("deadLetterTargetArn = aws_sqs_queue.dlq.arn")
                .contains("maxReceiveCount = var.max_receive_count");
    }

    @Test
    void maxReceiveCountDefaultsAboveTheJobsMaxAttemptsAndIsValidated() {
        List<Block> maxReceiveCounts = terraform.configurations().stream()
                .flatMap(c -> c.variables().stream())
                .filter(v -> v.name().equals("max_receive_count"))
                .toList();

        assertThat(maxReceiveCounts)
                .isNotEmpty()
                .allSatisfy(variable -> assertThat(((Number) variable.body().get("default")).doubleValue())
                        .as("default of %s", variable)
                        .isGreaterThan(HIGHEST_MAX_ATTEMPTS));
        Block moduleVariable = module.variable("max_receive_count").orElseThrow();
        assertThat(Terraform.rawNestedBlocks(moduleVariable.source(), "validation"))
                .anySatisfy(validation -> assertThat(Terraform.squash(validation))
                        .contains("var.max_receive_count > " + HIGHEST_MAX_ATTEMPTS));
    }

    @Test
    void deadLetterQueueOnlyAcceptsRedrivesFromTheJobQueue() {
        String allowPolicy = Terraform.squash(
                module.resource("aws_sqs_queue_redrive_allow_policy", "dlq").source());

        assertThat(allowPolicy)
                .contains("queue_url = aws_sqs_queue.dlq.id")
                .contains("redrivePermission = \"byQueue\"")
                .contains("sourceQueueArns = [aws_sqs_queue.jobs.arn]");
    }

    @Test
    void visibilityTimeoutIsAtLeastSixTimesTheFunctionTimeout() {
        Block queue = module.resource("aws_sqs_queue", "jobs");

        assertThat(Terraform.squash(queue.source()))
                .contains("visibility_timeout_seconds = local.visibility_timeout_seconds");
        assertThat(Terraform.squash(module.source()))
                .contains("visibility_timeout_seconds = coalesce(var.visibility_timeout_seconds, "
                        + "6 * var.function_timeout_seconds)");
        assertThat(Terraform.rawNestedBlocks(queue.source(), "precondition"))
                .anySatisfy(precondition -> assertThat(Terraform.squash(precondition))
                        .contains("condition = local.visibility_timeout_seconds >= 6 * var.function_timeout_seconds"));
        assertThat(module.variable("function_timeout_seconds").orElseThrow().body())
                .as("function_timeout_seconds must be passed in, not defaulted")
                .doesNotContainKey("default");
    }

    @Test
    void environmentsWireTheFunctionTimeoutIntoTheQueueModule() {
        assertThat(terraform.environments()).allSatisfy(env -> {
            Block queueModule = moduleCall(env, "../../modules/sqs-jobs");
            Block functionModule = moduleCall(env, "../../modules/lambda-job-processor");

            assertThat(Terraform.squash(queueModule.source()))
                    .contains("function_timeout_seconds = var.lambda_timeout_seconds");
            assertThat(Terraform.squash(functionModule.source()))
                    .contains("timeout_seconds = var.lambda_timeout_seconds");
        });
    }

    @Test
    void deadLetterQueueKeepsMessagesLongerThanTheJobQueue() {
        double dlqRetention = ((Number) module.variable("dlq_message_retention_seconds")
                        .orElseThrow()
                        .body()
                        .get("default"))
                .doubleValue();
        double queueRetention = ((Number) module.variable("message_retention_seconds")
                        .orElseThrow()
                        .body()
                        .get("default"))
                .doubleValue();

        assertThat(dlqRetention).isEqualTo(14 * 24 * 3600).isGreaterThan(queueRetention);
        assertThat(Terraform.squash(module.resource("aws_sqs_queue", "dlq").source()))
                .contains("message_retention_seconds = var.dlq_message_retention_seconds");
        assertThat(Terraform.rawNestedBlocks(
                        module.resource("aws_sqs_queue", "jobs").source(), "precondition"))
                .anySatisfy(precondition -> assertThat(Terraform.squash(precondition))
                        .contains("var.dlq_message_retention_seconds > var.message_retention_seconds"));
    }

    @Test
    void whatReachedTheDeadLetterQueueAndOldestMessageAgeAreAlarmed() {
        List<Block> alarms = module.resources("aws_cloudwatch_metric_alarm");

        // The service's watcher drains the DLQ every few seconds, so an alarm on its depth alone almost never fires;
        // and a move by the redrive policy is not counted in the DLQ's NumberOfMessagesSent.
        String deadLetters = Terraform.squash(
                module.resource("aws_cloudwatch_metric_alarm", "dlq_received").source());
        assertThat(deadLetters)
                .contains("expression = \"MAX([received, sent, waiting])\"")
                .contains("metric_name = \"NumberOfMessagesReceived\"")
                .contains("metric_name = \"NumberOfMessagesSent\"")
                .contains("metric_name = \"ApproximateNumberOfMessagesVisible\"")
                .contains("threshold = 0")
                .contains("comparison_operator = \"GreaterThanThreshold\"")
                .doesNotContain("aws_sqs_queue.jobs.name");
        assertThat(deadLetters.split("QueueName = aws_sqs_queue.dlq.name", -1)).hasSize(4);

        assertThat(alarms).anySatisfy(alarm -> {
            assertThat(alarm.body())
                    .containsEntry("namespace", "AWS/SQS")
                    .containsEntry("metric_name", "ApproximateAgeOfOldestMessage");
            assertThat(Terraform.squash(alarm.source())).contains("QueueName = aws_sqs_queue.jobs.name");
        });
        assertThat(alarms)
                .allSatisfy(alarm ->
                        assertThat(Terraform.squash(alarm.source())).contains("alarm_actions = local.alarm_actions"));
        assertThat(Terraform.squash(
                        module.resource("aws_sns_topic_subscription", "email").source()))
                .contains("count = local.create_alarm_topic ? length(var.alarm_email_addresses) : 0")
                .contains("protocol = \"email\"");
    }

    @Test
    void functionAndServiceAlarmsNotifyTheQueueModulesActions() {
        Configuration qa = Terraform.sources().environment("qa");
        String source = Terraform.squash(qa.source());

        assertThat(source.split("alarm_actions = module.job_queue.alarm_actions", -1))
                .as("the service and the function notify the job flow's alarm actions")
                .hasSize(3);
        assertThat(source).contains("alarm_email_addresses = var.alarm_email_addresses");
        assertThat(Terraform.squash(
                        Terraform.sources().module("lambda-job-processor").source()))
                .contains("metric = \"Errors\"")
                .contains("metric = \"Throttles\"")
                .contains("metric = \"Duration\"")
                .contains("threshold = var.timeout_seconds * 1000 * var.duration_alarm_ratio");
        assertThat(Terraform.squash(
                        Terraform.sources().module("job-ledger-service").source()))
                .contains("metric_name = \"HTTPCode_Target_5XX_Count\"")
                .contains("metric_name = \"HTTPCode_ELB_5XX_Count\"");
    }

    @Test
    void alarmTopicIsCreatedEncryptedWhenNoAlarmActionsAreGiven() {
        Block topic = module.resource("aws_sns_topic", "alarms");
        String all = Terraform.squash(module.source());

        assertThat(Terraform.squash(topic.source()))
                .contains("count = local.create_alarm_topic ? 1 : 0")
                .containsPattern("kms_master_key_id = \\S+");
        assertThat(all)
                .contains("create_alarm_topic = length(var.alarm_actions) == 0")
                .contains(
                        "alarm_actions = local.create_alarm_topic ? [aws_sns_topic.alarms[0].arn] : var.alarm_actions");
    }

    private static Block moduleCall(Configuration env, String source) {
        return env.moduleCalls().stream()
                .filter(m -> source.equals(m.body().get("source")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(env.dir() + " does not use " + source));
    }
}
