package dev.jobledger.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The function's configuration: built from the defaults, read from the environment, refused when unusable. */
class BridgeConfigTest {

    private static final URI LEDGER = URI.create("https://ledger.example.com");

    private static BridgeConfig.Builder minimal() {
        return BridgeConfig.builder().apiBaseUrl(LEDGER).bridgeToken("token");
    }

    @Test
    void aBuilderWithTheLedgerAndATokenHasTheDocumentedDefaults() {
        BridgeConfig config = minimal().build();

        assertThat(config.safetyMargin()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.logFlushEntries()).isEqualTo(1000);
        assertThat(config.reportInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(config.maxTries()).isEqualTo(4);
        assertThat(config.backoffBase()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.backoffMax()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.s3Endpoint()).isNull();
        assertThat(config.sqsEndpoint()).isNull();
    }

    @Test
    void theEnvironmentSetsTheLedgerTheSecretTheBucketTheRegionTheEndpointsAndTheMargin() {
        BridgeConfig config = BridgeConfig.fromEnvironment(Map.of(
                BridgeConfig.API_BASE_URL, " https://ledger.example.com ",
                BridgeConfig.BRIDGE_TOKEN_SECRET_ARN, "arn:aws:secretsmanager:eu-central-1:1:secret:bridge",
                BridgeConfig.S3_BUCKET, "jobs",
                BridgeConfig.AWS_REGION, "eu-central-1",
                BridgeConfig.S3_ENDPOINT, "http://localhost:9000",
                BridgeConfig.SQS_ENDPOINT, "http://localhost:9324",
                BridgeConfig.SAFETY_MARGIN_SECONDS, "85"));

        assertThat(config.apiBaseUrl()).isEqualTo(LEDGER);
        assertThat(config.bridgeToken()).isNull();
        assertThat(config.bridgeTokenSecretArn()).isEqualTo("arn:aws:secretsmanager:eu-central-1:1:secret:bridge");
        assertThat(config.s3Bucket()).isEqualTo("jobs");
        assertThat(config.region()).isEqualTo("eu-central-1");
        assertThat(config.s3Endpoint()).isEqualTo(URI.create("http://localhost:9000"));
        assertThat(config.sqsEndpoint()).isEqualTo(URI.create("http://localhost:9324"));
        assertThat(config.safetyMargin()).isEqualTo(Duration.ofSeconds(85));
        assertThat(config.maxTries()).as("a default").isEqualTo(4);
    }

    @Test
    void anEnvironmentWithoutTheLedgerUrlIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of(BridgeConfig.BRIDGE_TOKEN, "t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BridgeConfig.API_BASE_URL);
    }

    @Test
    void anEnvironmentWithNeitherTokenNorSecretIsRefusedNamingBoth() {
        assertThatThrownBy(() -> BridgeConfig.fromEnvironment(Map.of(
                        BridgeConfig.API_BASE_URL, "https://ledger.example.com", BridgeConfig.BRIDGE_TOKEN, " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BridgeConfig.BRIDGE_TOKEN_SECRET_ARN)
                .hasMessageContaining(BridgeConfig.BRIDGE_TOKEN);
    }

    @Test
    void aBuilderWithoutTheLedgerUrlIsRefused() {
        assertThatThrownBy(() -> BridgeConfig.builder().bridgeToken("token").build())
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining(BridgeConfig.API_BASE_URL);
    }

    @Test
    void aLogFlushOutsideOneToAThousandLinesIsRefused() {
        assertThatThrownBy(() -> minimal().logFlushEntries(0).build()).hasMessageContaining("logFlushEntries");
        assertThatThrownBy(() -> minimal().logFlushEntries(1001).build()).hasMessageContaining("logFlushEntries");
        assertThat(minimal().logFlushEntries(1000).build().logFlushEntries()).isEqualTo(1000);
    }

    @Test
    void fewerThanOneTryIsRefused() {
        assertThatThrownBy(() -> minimal().maxTries(0).build()).hasMessageContaining("maxTries");
    }

    @Test
    void everyDurationIsRequired() {
        assertThatThrownBy(() -> minimal().safetyMargin(null).build()).hasMessageContaining("safetyMargin");
        assertThatThrownBy(() -> minimal().reportInterval(null).build()).hasMessageContaining("reportInterval");
        assertThatThrownBy(() -> minimal().connectTimeout(null).build()).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> minimal().requestTimeout(null).build()).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> minimal().backoffBase(null).build()).hasMessageContaining("backoffBase");
        assertThatThrownBy(() -> minimal().backoffMax(null).build()).hasMessageContaining("backoffMax");
    }

    @Test
    void theTextOfTheConfigurationNeverHoldsTheToken() {
        assertThat(minimal().bridgeToken("secret-token-1234").build().toString())
                .doesNotContain("secret-token-1234")
                .contains("token=set");
    }
}
