package io.sluice.gateway.ingest;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Wires the CC parser with a JSON reader hardened for untrusted input. */
@Configuration(proxyBeanMethods = false)
public class IngestConfiguration {

    /** Parser limits stated in every error that hits them. */
    static final int MAX_NESTING_DEPTH = 32;
    static final int MAX_STRING_LENGTH = 262_144;
    static final int MAX_NUMBER_LENGTH = 64;

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CcBatchParser ccBatchParser(IngestProperties props, Clock clock) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxDocumentLength(Math.max(props.maxBodyBytes(), props.maxDecompressedBytes()))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // FAIL_ON_TRAILING_TOKENS (on by default in Jackson 3) is off: the parser streams the
        // envelope and checks for trailing content itself; the feature would reject every value
        // read mid-stream.
        JsonMapper mapper = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .nodeFactory(new FiniteNumberNodeFactory())
                .build();
        return new CcBatchParser(mapper, props, clock);
    }
}
