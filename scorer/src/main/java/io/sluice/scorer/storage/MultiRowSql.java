package io.sluice.scorer.storage;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Multi-row statements: {@code prefix VALUES ($1, …), (…) suffix}, executed in chunks. */
final class MultiRowSql {

    /** Binds one row's values starting at the given parameter index; returns the spec. */
    interface RowBinder<T> {
        GenericExecuteSpec bind(GenericExecuteSpec spec, int firstIndex, T row);
    }

    private MultiRowSql() {
    }

    static String values(int rows, int columns) {
        StringBuilder sql = new StringBuilder(rows * columns * 5);
        int p = 1;
        for (int r = 0; r < rows; r++) {
            sql.append(r == 0 ? "(" : ", (");
            for (int c = 0; c < columns; c++) {
                sql.append(c == 0 ? "" : ", ").append('$').append(p++);
            }
            sql.append(')');
        }
        return sql.toString();
    }

    static <T> Mono<Void> execute(DatabaseClient db, String prefix, String suffix, int columns, List<T> rows,
            int chunk, RowBinder<T> binder) {
        if (rows.isEmpty()) {
            return Mono.empty();
        }
        int chunks = (rows.size() + chunk - 1) / chunk;
        return Flux.range(0, chunks).concatMap(i -> {
            List<T> part = rows.subList(i * chunk, Math.min(rows.size(), (i + 1) * chunk));
            GenericExecuteSpec spec = db.sql(prefix + " VALUES " + values(part.size(), columns) + " " + suffix);
            int p = 0;
            for (T row : part) {
                spec = binder.bind(spec, p, row);
                p += columns;
            }
            return spec.fetch().rowsUpdated();
        }).then();
    }

    static GenericExecuteSpec nullable(GenericExecuteSpec spec, int index, Object value, Class<?> type) {
        return value == null ? spec.bindNull(index, type) : spec.bind(index, value);
    }
}
