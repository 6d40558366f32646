package io.sluice.scorer.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import io.sluice.scorer.ScorerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.json.JsonMapper;

/** Wires alert scoring: minute scorer, agent-report applier, change-log publisher and their loop. */
@Configuration(proxyBeanMethods = false)
public class ScoringConfiguration {

    @Bean
    ScoringBeans scoringBeans(DatabaseClient db, ConnectionFactory connectionFactory, ScoringProperties props,
            ScorerProperties scorer, MeterRegistry meters) {
        JsonMapper json = JsonMapper.builder().build();
        TransactionalOperator tx = TransactionalOperator.create(new R2dbcTransactionManager(connectionFactory));
        AlertStore store = new AlertStore(db, json, props.signalSample());
        ReactorKafkaAlertSink sink = new ReactorKafkaAlertSink(scorer.bootstrapServers(), props.alertsTopic(), json);
        return new ScoringBeans(new AppScorer(db, tx, store, props, json, meters),
                new AgentReportApplier(db, tx, store, json, meters),
                new AlertPublisher(db, tx, sink, json, meters), sink);
    }

    @Bean
    ScoringLoop scoringLoop(ScoringBeans beans, DatabaseClient db, ScoringProperties props) {
        return new ScoringLoop(beans.scorer(), beans.reports(), beans.publisher(), db, props);
    }

    /** The parts, kept together so the Kafka sink is closed with the context. */
    public record ScoringBeans(AppScorer scorer, AgentReportApplier reports, AlertPublisher publisher,
            ReactorKafkaAlertSink sink) implements AutoCloseable {
        @Override
        public void close() {
            sink.close();
        }
    }
}
