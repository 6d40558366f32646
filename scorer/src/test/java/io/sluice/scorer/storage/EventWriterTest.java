package io.sluice.scorer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventWriterTest {

    @Test
    void insertStatementHasOneNumberedParameterPerColumnAndRowAndIsIdempotent() {
        String sql = EventWriter.insertSql(2);
        int columns = EventWriter.COLUMNS.length;
        assertThat(sql).startsWith("INSERT INTO events (event_id, occurred_at,");
        assertThat(sql).contains("($1, $2,").contains("$" + (2 * columns) + ")").doesNotContain("$" + (2 * columns + 1));
        assertThat(sql).endsWith("ON CONFLICT (event_id, occurred_at) DO NOTHING RETURNING event_id");
    }
}
