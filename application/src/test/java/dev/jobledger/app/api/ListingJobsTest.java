package dev.jobledger.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jobledger.testing.Api;
import dev.jobledger.testing.LedgerIntegrationTest;
import dev.jobledger.testing.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ListingJobsTest extends LedgerIntegrationTest {

    @Test
    void pagesAreOneBasedNewestFirstWithTotals() {
        String token = Tokens.user(newUser());
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(submit(token, Map.of("jobType", "example", "payload", Map.of("i", i))));
        }
        awaitJob(token, submitted.get(4), status("PENDING"));

        Api.Answer first = api.get("/api/jobs?page=1&pageSize=2", token);
        Api.Answer last = api.get("/api/jobs?page=3&pageSize=2", token);

        assertThat(first.body().path("total").asInt()).isEqualTo(5);
        assertThat(first.body().path("totalPages").asInt()).isEqualTo(3);
        assertThat(first.body().path("page").asInt()).isEqualTo(1);
        assertThat(first.body().path("pageSize").asInt()).isEqualTo(2);
        assertThat(ids(first.body())).containsExactly(submitted.get(4), submitted.get(3));
        assertThat(ids(last.body())).containsExactly(submitted.get(0));
    }

    @Test
    void filtersByJobTypeAndStatus() {
        String token = Tokens.user(newUser());
        String pending = submit(token, Map.of("jobType", "example"));
        String cancelled = submit(token, Map.of("jobType", "example"));
        api.post("/api/jobs/" + cancelled + "/cancel", token, Map.of("reason", "changed my mind"));
        awaitJob(token, cancelled, status("CANCELLED"));
        awaitJob(token, pending, status("PENDING"));

        Api.Answer onlyCancelled = api.get("/api/jobs?jobType=example&status=CANCELLED", token);
        Api.Answer otherType = api.get("/api/jobs?jobType=csv-import", token);

        assertThat(ids(onlyCancelled.body())).containsExactly(cancelled);
        assertThat(otherType.body().path("total").asInt()).isZero();
    }

    @Test
    void pageSizesAboveOneHundredAndPagesBelowOneAreBadRequests() {
        String token = Tokens.user(newUser());

        Api.Answer tooLarge = api.get("/api/jobs?pageSize=101", token);
        Api.Answer pageZero = api.get("/api/jobs?page=0", token);
        Api.Answer badStatus = api.get("/api/jobs?status=DONE", token);

        assertThat(tooLarge.status()).isEqualTo(400);
        assertThat(tooLarge.body().path("detail").asText()).contains("pageSize");
        assertThat(pageZero.status()).isEqualTo(400);
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(api.get("/api/jobs?pageSize=100", token).status()).isEqualTo(200);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("items").forEach(item -> ids.add(item.path("jobId").asText()));
        return ids;
    }
}
