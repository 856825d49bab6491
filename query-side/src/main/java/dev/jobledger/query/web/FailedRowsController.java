package dev.jobledger.query.web;

import static dev.jobledger.query.web.JobQueryController.notFound;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import de.siegmar.fastcsv.writer.CsvWriter;
import dev.jobledger.messages.Caller;
import dev.jobledger.messages.FindJob;
import dev.jobledger.messages.JobView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A CSV import's rejected rows as a file to fix and resubmit: every log line of the job's latest attempt that names a
 * row and warns or errs about it, in written order, with the values the handler kept ({@code meta.values}).
 */
@RestController
@Tag(name = "Jobs")
class FailedRowsController {

    static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    // Rows travel from PostgreSQL to the client in pages of this size: memory stays flat for a million rows.
    private static final int FETCH_SIZE = 500;
    private static final TypeReference<Map<String, Object>> META = new TypeReference<>() {};

    private final QueryGateway queries;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final ObjectMapper json;

    FailedRowsController(
            QueryGateway queries, JdbcTemplate jdbc, PlatformTransactionManager transactions, ObjectMapper json) {
        this.queries = queries;
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
    }

    @Operation(
            summary = "Download a CSV import's rejected rows",
            description = "Every row the job's latest attempt rejected, in file order: `row` (1-based data row), "
                    + "`line` (physical line in the file), `message` (why), then the row's values under the column "
                    + "spec's names, ready to be fixed and submitted again. Streamed. A job that has not run yet "
                    + "answers the header alone. Another user's job is answered as not found.",
            responses =
                    @ApiResponse(
                            responseCode = "200",
                            description = "The rejected rows",
                            content =
                                    @Content(mediaType = "text/csv", schema = @Schema(type = "string", example = """
                                                    row,line,message,email,age
                                                    2,3,row 2 is invalid: email not a valid email address,bob@,41
                                                    """))))
    @GetMapping(path = "/api/jobs/{jobId}/failed-rows.csv", produces = "text/csv")
    ResponseEntity<StreamingResponseBody> failedRows(@PathVariable UUID jobId, Caller caller) {
        JobView job = queries.query(
                        new FindJob(jobId, caller.viewer()), ResponseTypes.optionalInstanceOf(JobView.class))
                .join()
                .orElseThrow(() -> notFound(jobId));
        List<String> columns = columns(job);
        StreamingResponseBody body = out -> {
            CsvWriter csv = CsvWriter.builder()
                    .build(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024));
            List<String> header = new ArrayList<>(List.of("row", "line", "message"));
            header.addAll(columns);
            csv.writeRecord(header);
            readOnly.executeWithoutResult(status -> jdbc.query(
                    connection -> {
                        var statement = connection.prepareStatement("""
                                SELECT row_number, message, meta FROM job_log
                                WHERE job_id = ? AND attempt = ? AND row_number IS NOT NULL
                                  AND level IN ('WARNING', 'ERROR')
                                ORDER BY sequence
                                """);
                        statement.setObject(1, jobId);
                        statement.setInt(2, job.attempt());
                        statement.setFetchSize(FETCH_SIZE);
                        return statement;
                    },
                    row -> {
                        Map<String, Object> meta = meta(row.getString(3));
                        List<String> record = new ArrayList<>();
                        record.add(Long.toString(row.getLong(1)));
                        record.add(
                                meta.get("line") == null ? "" : meta.get("line").toString());
                        record.add(row.getString(2));
                        if (meta.get("values") instanceof List<?> values) {
                            values.forEach(value -> record.add(value == null ? "" : value.toString()));
                        }
                        csv.writeRecord(record);
                    }));
            csv.flush();
        };
        return ResponseEntity.ok()
                .contentType(TEXT_CSV)
                .header(
                        HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment()
                                .filename("failed-rows-" + jobId + ".csv")
                                .build()
                                .toString())
                .body(body);
    }

    /** The column spec's names ({@code payload.columns[].name}), the header of the values. */
    private static List<String> columns(JobView job) {
        List<String> names = new ArrayList<>();
        if (job.payload() != null && job.payload().get("columns") instanceof List<?> columns) {
            for (Object column : columns) {
                if (column instanceof Map<?, ?> spec && spec.get("name") != null) {
                    names.add(spec.get("name").toString());
                }
            }
        }
        return names;
    }

    private Map<String, Object> meta(String text) {
        if (text == null) {
            return Map.of();
        }
        try {
            return json.readValue(text, META);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
