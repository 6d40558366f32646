package io.sluice.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the apps actually expose and read, taken from the apps themselves: their YAML config on the
 * test class path ({@code gateway.yml}, {@code scorer.yml}), the settings tables of
 * docs/configuration.md, and Spring Boot's configuration metadata (every {@code spring.*},
 * {@code management.*}, {@code logging.*} and {@code server.*} property of the jars the apps ship).
 */
final class AppSettings {

    enum App {
        GATEWAY("sluice-gateway", "gateway.yml", "Gateway"),
        SCORER("sluice-scorer", "scorer.yml", "Scorer");

        final String image;
        final String configFile;
        final String docsSection;

        App(String image, String configFile, String docsSection) {
            this.image = image;
            this.configFile = configFile;
            this.docsSection = docsSection;
        }

        /** The app an image reference is built from: {@code registry.example.com/sluice/sluice-gateway:0.1.0}. */
        static App ofImage(String image) {
            String withoutDigest = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
            String last = withoutDigest.substring(withoutDigest.lastIndexOf('/') + 1);
            String name = last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
            for (App app : values()) {
                if (app.image.equals(name)) {
                    return app;
                }
            }
            return null;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

    private static volatile Map<String, Set<String>> docsSettings;
    private static volatile Set<String> bootProperties;
    private static volatile Set<String> bootMapPrefixes;

    private AppSettings() {
    }

    /** The app's YAML config from its jar (test class path). */
    static JsonNode config(App app) {
        try (InputStream in = AppSettings.class.getClassLoader().getResourceAsStream(app.configFile)) {
            if (in == null) {
                throw new IllegalStateException(app.configFile + " is not on the test class path");
            }
            return Manifests.YAML.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode at(JsonNode root, String dottedPath) {
        JsonNode node = root;
        for (String part : dottedPath.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    static int serverPort(App app) {
        return at(config(app), "server.port").asInt();
    }

    /** Spring Boot's {@code /actuator} base path (or the one the app sets). */
    static String actuatorBasePath(App app) {
        JsonNode base = at(config(app), "management.endpoints.web.base-path");
        return base.isMissingNode() ? "/actuator" : base.asString();
    }

    static List<String> healthGroup(App app, String group) {
        String include = at(config(app), "management.endpoint.health.group." + group + ".include").asString("");
        List<String> members = new ArrayList<>();
        for (String m : include.split(",")) {
            if (!m.isBlank()) {
                members.add(m.strip());
            }
        }
        return members;
    }

    static boolean exposes(App app, String endpoint) {
        String include = at(config(app), "management.endpoints.web.exposure.include").asString("");
        return List.of(include.split(",")).stream().map(String::strip).anyMatch(e -> e.equals(endpoint) || e.equals("*"));
    }

    static Duration shutdownPhaseTimeout(App app) {
        return duration(at(config(app), "spring.lifecycle.timeout-per-shutdown-phase").asString());
    }

    /** Spring's simple duration form: 25s, 500ms, 2m (a bare number is milliseconds). */
    static Duration duration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)?").matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * Settings named in the first column of the settings tables, by section: docs/configuration.md
     * ("Both apps", "Gateway", "Scorer", ...) and docs/scoring.md (the scorer's
     * {@code sluice.scoring.*}, filed under "Scorer"). Entries ending in {@code .*} are prefixes
     * ({@code sluice.kafka.producer.*}, {@code patterns.<pattern>.<threshold>}).
     */
    static Map<String, Set<String>> documentedSettings() {
        Map<String, Set<String>> result = docsSettings;
        if (result == null) {
            result = new LinkedHashMap<>();
            readSettingsTables("docs/configuration.md", null, result);
            readSettingsTables("docs/scoring.md", App.SCORER.docsSection, result);
            docsSettings = result;
        }
        return result;
    }

    private static void readSettingsTables(String doc, String fixedSection, Map<String, Set<String>> into) {
        Path file = Manifests.repoRoot().resolve(doc);
        if (!Files.isRegularFile(file)) {
            return;
        }
        String section = "";
        String relativeTo = "";
        for (String line : Manifests.read(file).split("\n")) {
            if (line.startsWith("## ")) {
                section = line.substring(3).strip();
                // "## Settings (`sluice.scoring.*`)": the rows name settings relative to that prefix.
                Matcher prefix = Pattern.compile("\\(`([a-z0-9.\\-]+)\\.\\*`\\)").matcher(section);
                relativeTo = prefix.find() ? prefix.group(1) + "." : "";
            } else if (line.startsWith("| `")) {
                String firstCell = line.substring(1, line.indexOf('|', 1));
                Matcher m = BACKTICKED.matcher(firstCell);
                while (m.find()) {
                    String name = m.group(1);
                    int placeholder = name.indexOf(".<");
                    if (placeholder >= 0) {
                        name = name.substring(0, placeholder) + ".*";
                    }
                    if (!name.matches("[a-z][a-z0-9.\\-]*(\\.\\*)?")) {
                        continue;
                    }
                    if (!relativeTo.isEmpty() && !name.startsWith(relativeTo)) {
                        name = relativeTo + name;
                    }
                    into.computeIfAbsent(fixedSection != null ? fixedSection : section, k -> new LinkedHashSet<>())
                            .add(name);
                }
            }
        }
    }

    /** The documented {@code sluice.*} settings an app reads (its own section and "Both apps"). */
    static Set<String> sluiceSettings(App app) {
        Set<String> settings = new LinkedHashSet<>();
        settings.addAll(documentedSettings().getOrDefault("Both apps", Set.of()));
        settings.addAll(documentedSettings().getOrDefault(app.docsSection, Set.of()));
        settings.removeIf(s -> !s.startsWith("sluice."));
        return settings;
    }

    /** Every property in Spring Boot's configuration metadata on the test class path. */
    static Set<String> bootProperties() {
        loadBootMetadata();
        return bootProperties;
    }

    /** Map-typed Boot properties: any key below them is valid. */
    static Set<String> bootMapPrefixes() {
        loadBootMetadata();
        return bootMapPrefixes;
    }

    private static synchronized void loadBootMetadata() {
        if (bootProperties != null) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        Set<String> maps = new LinkedHashSet<>();
        for (String resource : List.of("META-INF/spring-configuration-metadata.json",
                "META-INF/additional-spring-configuration-metadata.json")) {
            try {
                Enumeration<URL> urls = AppSettings.class.getClassLoader().getResources(resource);
                for (URL url : Collections.list(urls)) {
                    try (InputStream in = url.openStream()) {
                        JsonNode meta = JSON.readTree(in);
                        for (JsonNode p : meta.path("properties")) {
                            String name = p.path("name").asString();
                            names.add(name);
                            if (p.path("type").asString("").startsWith("java.util.Map")) {
                                maps.add(name);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no Spring Boot configuration metadata on the test class path");
        }
        bootMapPrefixes = maps;
        bootProperties = names;
    }

    /**
     * The environment variable forms Spring's relaxed binding accepts for a property: dots to
     * underscores, dashes removed or (legacy form) turned into underscores, upper case.
     */
    static Set<String> envForms(String property) {
        String upper = property.toUpperCase(Locale.ROOT).replace('.', '_');
        return new LinkedHashSet<>(List.of(upper.replace("-", ""), upper.replace('-', '_')));
    }

    /**
     * Whether {@code envName} binds to one of {@code properties} (exactly) or falls below one of
     * {@code prefixes} (map or pass-through settings such as {@code sluice.kafka.producer.*}).
     */
    static boolean binds(String envName, Set<String> properties, Set<String> prefixes) {
        for (String p : properties) {
            if (envForms(p).contains(envName)) {
                return true;
            }
        }
        for (String prefix : prefixes) {
            for (String form : envForms(prefix)) {
                if (envName.startsWith(form + "_")) {
                    return true;
                }
            }
        }
        return false;
    }
}
