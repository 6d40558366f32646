package io.sluice.scorer.storage;

import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import io.r2dbc.spi.Statement;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Multi-row statements: {@code prefix VALUES ($1, …), (…) suffix}, executed in chunks. */
final class MultiRowSql {

    /** Binds one row's values starting at the given parameter index; returns the spec. */
    interface RowBinder<T> {
        Statement bind(Statement statement, int firstIndex, T row);
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
            String sql = prefix + " VALUES " + values(part.size(), columns) + " " + suffix;
            // The R2DBC Statement directly (see EventWriter): binding stays linear in the rows.
            return db.inConnectionMany(connection -> {
                Statement st = connection.createStatement(sql);
                int p = 0;
                for (T row : part) {
                    binder.bind(st, p, row);
                    p += columns;
                }
                return Flux.from(st.execute()).concatMap(r -> r.getRowsUpdated());
            });
        }).then();
    }

    static Statement nullable(Statement spec, int index, Object value, Class<?> type) {
        return value == null ? spec.bindNull(index, type) : spec.bind(index, value);
    }
}
