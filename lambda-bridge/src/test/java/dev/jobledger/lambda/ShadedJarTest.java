package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jobledger.messages.JobStatus;
import dev.jobledger.messages.StoredFile;
import dev.jobledger.standins.LocalLambdaContext;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The deployable jar itself, {@code target/lambda-bridge.jar}, as the shade plugin slims it (the filters in
 * lambda-bridge/pom.xml); these run in the package phase, once it is made. The other tests run the function's classes
 * with every dependency whole on the classpath (and more besides, the stand-ins' own); these show that the jar alone
 * still carries what an invocation needs.
 */
class ShadedJarTest {

    /** Set by the package phase's test run (pom.xml): the jar does not exist before. */
    private static final String JAR_PROPERTY = "lambda-bridge.shaded-jar";

    /** Issue #10's budget: a smaller jar is quicker to upload and to deploy. */
    private static final long MAX_JAR_BYTES = 10L * 1024 * 1024;

    /** A service client, and S3's endpoint rules, name every operation of the service; only those called run. */
    private static final Pattern NAMES_EVERY_OPERATION = Pattern.compile(
            "software/amazon/awssdk/services/\\w+/((Default|Delegating)?\\w+Client|endpoints/internal/\\w+EndpointResolverUtils)");

    private static final Pattern OPERATION_CLASS =
            Pattern.compile("software/amazon/awssdk/services/\\w+/(model|transform|paginators|waiters)/.+");

    /** The JVM loads these when it verifies the client whose methods name them. */
    private static final Pattern REQUEST_OR_RESPONSE =
            Pattern.compile("software/amazon/awssdk/services/\\w+/model/\\w+(Request|Response)");

    /** Never built (the jar has no async HTTP client), only tested for: S3 Express asks "is it async?". */
    private static final Pattern ASYNC_CLIENT = Pattern.compile("software/amazon/awssdk/services/\\w+/\\w+AsyncClient");

    private static final String SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:bridge-token";
    private static final Duration BUDGET = Duration.ofSeconds(9);
    private static final int SAFETY_MARGIN_SECONDS = 5;

    private static Path shadedJar;
    private static JarClasses jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void findTheJar() {
        String path = System.getProperty(JAR_PROPERTY);
        assumeTrue(path != null, "runs in the package phase, once the jar is made");
        shadedJar = Path.of(path);
        jar = JarClasses.read(shadedJar);
    }

    @Test
    void theJarIsAtMostTenMebibytes() throws IOException {
        assertThat(Files.size(shadedJar)).as("bytes in %s", shadedJar).isLessThanOrEqualTo(MAX_JAR_BYTES);
    }

    /**
     * The Lambda Java runtime hands a stream handler the event's bytes and takes the answer's bytes back. For any
     * other handler it reads and writes them with its own serializer, which loads {@code org.joda.time.DateTime} from
     * the function's class loader for every event type, SQS's included (aws/aws-lambda-java-libs#72): with a typed
     * handler this jar, which carries no Joda-Time, would fail every invocation in AWS while passing every test here.
     * Nothing in the jar names Joda-Time either, nor the runtime's serializer or event classes.
     */
    @Test
    void theHandlerIsAStreamHandlerAndNothingInTheJarNeedsJodaTime() {
        JarClasses.ClassFile handler = jar.classFile("dev/jobledger/lambda/SqsJobHandler");
        assertThat(handler).as("the handler class in the jar").isNotNull();
        assertThat(handler.supertypes())
                .contains("com/amazonaws/services/lambda/runtime/RequestStreamHandler")
                .doesNotContain("com/amazonaws/services/lambda/runtime/RequestHandler");
        assertThat(jar.names())
                .as("classes of Joda-Time or of the runtime's events and serializer in the jar")
                .noneMatch(ShadedJarTest::jodaOrLambdaEvents);
        assertThat(jar.names())
                .filteredOn(name -> jar.classFile(name).named().stream().anyMatch(ShadedJarTest::jodaOrLambdaEvents))
                .as("classes in the jar that name Joda-Time or the runtime's events and serializer")
                .isEmpty();
    }

    private static boolean jodaOrLambdaEvents(String name) {
        return name.startsWith("org/joda/")
                || name.startsWith("com/amazonaws/services/lambda/runtime/events/")
                || name.startsWith("com/amazonaws/services/lambda/runtime/serialization/");
    }

    /**
     * Follows, from the function's classes and the service providers, every class the jar's code names (string
     * constants too, as code that loads a class by name holds them): none the dependencies had may be missing, except
     * what a client names for the operations the function does not call. An operation newly called, or an SDK upgrade
     * that needs more, fails here and names the class; the filters in pom.xml then keep it.
     */
    @Test
    void everyClassTheFunctionCanReachIsInTheJar() {
        Set<String> roots = new HashSet<>();
        jar.serviceProviders().values().forEach(roots::addAll);
        for (String name : jar.names()) {
            if (name.startsWith("dev/jobledger/")) {
                roots.add(name);
            }
        }

        List<JarClasses.Missing> missing = jar.missing(roots, new JarClasses.Rules() {
            private final Map<String, Boolean> contributed = new HashMap<>();

            @Override
            public boolean namesOnly(String from, String to) {
                return NAMES_EVERY_OPERATION.matcher(from).matches()
                        && OPERATION_CLASS.matcher(to).matches();
            }

            @Override
            public boolean loadedToVerify(String name) {
                return REQUEST_OR_RESPONSE.matcher(name).matches();
            }

            @Override
            public boolean loadedOnly(String name) {
                return ASYNC_CLIENT.matcher(name).matches();
            }

            @Override
            public boolean dropped(String name) {
                if (name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/")) {
                    return false;
                }
                String source = source(name);
                return source != null && contributed.computeIfAbsent(source, s -> contributesTo(s));
            }
        });

        assertThat(missing)
                .as("classes the function can reach that the jar lacks")
                .isEmpty();
    }

    /**
     * A batch run by a JVM with nothing of the function but the jar, as the Lambda runtime runs a stream handler (the
     * event's bytes, as Lambda delivers them, in; the answer's bytes out): the token read from Secrets Manager, a job's
     * file read from S3 and calls to the ledger over HTTP (all through the URL-connection client), and a record the
     * invocation has no time for sent back to its queue with SQS. The JVM's class path is the jar and the two classes
     * that stand for the runtime ({@link RuntimeInvocation}, {@code LocalLambdaContext}): no Joda-Time, no event
     * library, no serializer of the runtime's. A function that needed any of them would fail here.
     */
    @Test
    void theJarAloneRunsABatchWithItsTokenFromSecretsManagerItsFileFromS3AndARecordSentBackWithSqs() throws Exception {
        try (FakeLedger ledger = new FakeLedger();
                LocalS3 s3 = new LocalS3();
                LocalQueue queue = new LocalQueue(1);
                FakeSecretsManager secrets = new FakeSecretsManager(FakeLedger.TOKEN)) {
            s3.put("jobs/lines.txt", "one\ntwo\nthree\n".getBytes(StandardCharsets.UTF_8));
            UUID withFile = UUID.randomUUID();
            ledger.submit(
                    withFile,
                    "example",
                    Map.of(),
                    new StoredFile(
                            "jobs/lines.txt",
                            "lines.txt",
                            "s3://" + LocalS3.BUCKET + "/jobs/lines.txt",
                            0,
                            "text/plain"),
                    3);
            // Works until the invocation's time runs short: the record after it is left without time.
            UUID sleeper = UUID.randomUUID();
            ledger.submit(sleeper, "example", Map.of("sleepMillis", 60_000), null, 3);
            UUID late = UUID.randomUUID();
            ledger.submit(late, "example", Map.of(), null, 3);
            ObjectNode event = Events.of(List.of(
                    Events.records(Events.load(
                                    "dispatch-with-file.json",
                                    dispatch(
                                            withFile,
                                            Map.of(
                                                    "BUCKET",
                                                    LocalS3.BUCKET,
                                                    "KEY",
                                                    "jobs/lines.txt",
                                                    "FILE_NAME",
                                                    "lines.txt"))))
                            .get(0),
                    Events.records(Events.load("single-dispatch.json", dispatch(sleeper, Map.of())))
                            .get(0),
                    Events.records(Events.load("single-dispatch.json", dispatch(late, Map.of())))
                            .get(0)));

            Map<String, String> environment = new HashMap<>();
            environment.put(BridgeConfig.API_BASE_URL, ledger.baseUrl().toString());
            environment.put(BridgeConfig.BRIDGE_TOKEN_SECRET_ARN, SECRET_ARN);
            environment.put(BridgeConfig.S3_BUCKET, LocalS3.BUCKET);
            environment.put(BridgeConfig.S3_ENDPOINT, s3.endpoint().toString());
            environment.put(BridgeConfig.SQS_ENDPOINT, queue.endpoint().toString());
            environment.put(BridgeConfig.SAFETY_MARGIN_SECONDS, String.valueOf(SAFETY_MARGIN_SECONDS));
            environment.put(BridgeConfig.AWS_REGION, LocalS3.REGION);
            environment.put(
                    "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString());
            environment.put("AWS_ACCESS_KEY_ID", dev.jobledger.standins.LocalS3.ACCESS_KEY);
            environment.put("AWS_SECRET_ACCESS_KEY", dev.jobledger.standins.LocalS3.SECRET_KEY);
            // Nothing from the developer's own AWS configuration.
            environment.put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
            environment.put(
                    "AWS_SHARED_CREDENTIALS_FILE",
                    dir.resolve("no-aws-credentials").toString());

            Invocation invocation = invoke(new ObjectMapper().writeValueAsString(event), environment);

            assertThat(invocation.log())
                    .doesNotContain("NoClassDefFoundError")
                    .doesNotContain("ClassNotFoundException")
                    .doesNotContain("NoSuchMethodError");
            assertThat(invocation.exitCode())
                    .as("exit code; its log:%n%s", invocation.log())
                    .isZero();
            assertThat(invocation.answer().get("batchItemFailures"))
                    .as("the records the answer reports; the log:%n%s", invocation.log())
                    .isEmpty();
            assertThat(secrets.secretsRead()).containsExactly(SECRET_ARN);
            assertThat(ledger.job(withFile).status).isEqualTo(JobStatus.COMPLETED);
            assertThat(ledger.job(withFile).result).isEqualTo(Map.of("lines", 3));
            assertThat(ledger.job(late).failures).isEmpty();
            List<Message> sentAgain = queue.receive();
            assertThat(sentAgain)
                    .extracting(message -> message.messageAttributes()
                            .get(Requeue.DELIVERY_ATTRIBUTE)
                            .stringValue())
                    .contains("msg-" + late);
        }
    }

    private static Map<String, String> dispatch(UUID job, Map<String, String> more) {
        Map<String, String> values = new HashMap<>(more);
        values.put("JOB", job.toString());
        values.put("ATTEMPT", "1");
        values.put("JOB_TYPE", "example");
        values.put("MESSAGE_ID", "msg-" + job);
        return values;
    }

    private record Invocation(int exitCode, String log, JsonNode answer) {}

    /** Runs {@link RuntimeInvocation} in a JVM of its own: its class path the jar and what stands for the runtime. */
    private Invocation invoke(String event, Map<String, String> environment) throws Exception {
        Path eventFile = Files.writeString(dir.resolve("event.json"), event);
        Path answerFile = dir.resolve("answer.json");
        Path logFile = dir.resolve("function.log");
        String classPath = String.join(
                File.pathSeparator,
                shadedJar.toAbsolutePath().toString(),
                location(RuntimeInvocation.class),
                location(LocalLambdaContext.class));
        for (String entry : classPath.split(File.pathSeparator)) {
            assertThat(holds(entry, "org/joda/time/DateTime.class"))
                    .as("Joda-Time in %s, on the invocation's class path", entry)
                    .isFalse();
        }
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        // As the Lambda Java runtime starts its JVM.
                        "-XX:+TieredCompilation",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        classPath,
                        RuntimeInvocation.class.getName(),
                        eventFile.toString(),
                        answerFile.toString(),
                        String.valueOf(BUDGET.toMillis()))
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean exited = process.waitFor(2, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly();
        }
        String log = Files.readString(logFile);
        System.out.print(log);
        assertThat(exited).as("the invocation ended; its log:%n%s", log).isTrue();
        JsonNode answer = Files.exists(answerFile)
                ? new ObjectMapper().readTree(answerFile.toFile())
                : new ObjectMapper().createObjectNode();
        return new Invocation(process.exitValue(), log, answer);
    }

    /** Whether the jar or directory at {@code path} has the entry. */
    private static boolean holds(String path, String entry) throws IOException {
        Path location = Path.of(path);
        if (Files.isDirectory(location)) {
            return Files.exists(location.resolve(entry));
        }
        try (JarFile file = new JarFile(location.toFile())) {
            return file.getEntry(entry) != null;
        }
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    /** Where the test's class path has a class from: a jar's or a directory's URL, or null. */
    private static String source(String name) {
        URL url = ShadedJarTest.class.getClassLoader().getResource(name + ".class");
        if (url == null) {
            return null;
        }
        String text = url.toString();
        return text.substring(0, text.length() - (name + ".class").length());
    }

    /** Whether the jar or directory at {@code source} gave the jar any of its classes: it is one of its dependencies. */
    private static boolean contributesTo(String source) {
        try {
            if (source.startsWith("jar:file:") && source.endsWith("!/")) {
                try (JarFile file = new JarFile(
                        Path.of(URI.create(source.substring("jar:".length(), source.length() - "!/".length())))
                                .toFile())) {
                    return Collections.list(file.entries()).stream()
                            .map(entry -> entry.getName())
                            .filter(entry -> entry.endsWith(".class"))
                            .anyMatch(entry -> jar.contains(entry.substring(0, entry.length() - ".class".length())));
                }
            }
            if (source.startsWith("file:")) {
                Path root = Path.of(URI.create(source));
                try (Stream<Path> files = Files.walk(root)) {
                    return files.map(file -> root.relativize(file).toString().replace(File.separatorChar, '/'))
                            .filter(entry -> entry.endsWith(".class"))
                            .anyMatch(entry -> jar.contains(entry.substring(0, entry.length() - ".class".length())));
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Secrets Manager's GetSecretValue on loopback: answers every secret with the same string. */
    private static final class FakeSecretsManager implements AutoCloseable {

        private static final ObjectMapper JSON = new ObjectMapper();

        private final HttpServer server;
        private final String value;
        private final List<String> secretsRead = Collections.synchronizedList(new ArrayList<>());

        FakeSecretsManager(String value) throws IOException {
            this.value = value;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        List<String> secretsRead() {
            return List.copyOf(secretsRead);
        }

        private void handle(HttpExchange exchange) throws IOException {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] body;
            int status;
            if ("secretsmanager.GetSecretValue".equals(target)) {
                secretsRead.add(request.path("SecretId").asText());
                status = 200;
                body = JSON.writeValueAsBytes(Map.of(
                        "ARN",
                        request.path("SecretId").asText(),
                        "Name",
                        "bridge-token",
                        "SecretString",
                        value,
                        "VersionId",
                        "v1",
                        "VersionStages",
                        List.of("AWSCURRENT")));
            } else {
                status = 400;
                body = JSON.writeValueAsBytes(Map.of("__type", "InvalidRequestException", "message", "" + target));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
