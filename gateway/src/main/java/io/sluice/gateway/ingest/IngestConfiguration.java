package io.sluice.gateway.ingest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Clock;
import org.springdoc.core.annotations.RouterOperation;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Wires the CC parser and the {@code /v1/ingest} route. */
@Configuration(proxyBeanMethods = false)
public class IngestConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CcBatchParser ccBatchParser(IngestProperties props, Clock clock) {
        return CcBatchParser.create(props, clock);
    }

    /**
     * Every method on the path reaches the handler, which answers 405 for all but POST (and
     * OPTIONS), as an annotated mapping would rather than the 404 of a route that did not match.
     */
    @Bean
    @RouterOperation(path = IngestHandler.PATH, method = RequestMethod.POST, beanClass = IngestHandler.class,
            beanMethod = "ingest", produces = MediaType.APPLICATION_JSON_VALUE,
            operation = @Operation(operationId = "ingestCcBatch", summary = "Ingest a CC batch (docs/api.md)",
                    requestBody = @RequestBody(required = true, content = @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object"))),
                    responses = @ApiResponse(responseCode = "200", description = "Accepted and rejected events",
                            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                                    schema = @Schema(implementation = IngestResponse.class)))))
    RouterFunction<ServerResponse> ingestRoute(IngestHandler handler) {
        return RouterFunctions.route(RequestPredicates.path(IngestHandler.PATH), handler::ingest);
    }
}
