package io.sluice.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The seed documents' examples, verbatim, from test resources. */
public final class SeedBodies {

    private SeedBodies() {
    }

    /** The full example request of ../shared/api/cc-ingest.md. */
    public static String ccFullExample() {
        try (InputStream in = SeedBodies.class.getResourceAsStream("/seed/cc-full-example.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
