package io.sluice.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The deployment files as data: the repository root, YAML parsing, and the objects an overlay
 * renders to ({@code kubectl kustomize}). Tests that need kubectl skip, visibly, where it is
 * missing; the base is then assembled from its resource files without it.
 */
final class Manifests {

    static final YAMLMapper YAML = YAMLMapper.builder().build();

    /** Overlays the test suite renders and checks (and the base they share). */
    static final List<String> TARGETS = List.of("base", "overlays/dev", "overlays/prod");

    private static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();

    private Manifests() {
    }

    /** The repository root: set by Surefire, else found by walking up from the working directory. */
    static Path repoRoot() {
        String configured = System.getProperty("sluice.repo.root");
        if (configured != null && Files.isDirectory(Paths.get(configured, "deploy", "k8s", "base"))) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy/k8s/base")) && Files.isRegularFile(p.resolve("mvnw"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root from " + Paths.get("").toAbsolutePath());
    }

    static Path k8sDir() {
        return repoRoot().resolve("deploy/k8s");
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a (multi-document) YAML text, empty documents left out. */
    static List<JsonNode> parseAll(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode doc = (JsonNode) it.nextValue();
                if (doc != null && doc.isObject() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    static JsonNode parseOne(String yaml) {
        return YAML.readTree(yaml);
    }

    /**
     * kubectl (or a standalone kustomize) on the PATH, or the one the KUBECTL environment variable
     * names; {@code KUBECTL=none} behaves as if there were none (to see the skips).
     */
    static Optional<List<String>> kustomizeCommand() {
        String explicit = System.getenv("KUBECTL");
        if (explicit != null && !explicit.isBlank()) {
            return new File(explicit).canExecute() ? Optional.of(List.of(explicit, "kustomize")) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, "kubectl").canExecute()) {
                return Optional.of(List.of(new File(dir, "kubectl").getPath(), "kustomize"));
            }
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && new File(dir, "kustomize").canExecute()) {
                return Optional.of(List.of(new File(dir, "kustomize").getPath(), "build"));
            }
        }
        return Optional.empty();
    }

    /** Skips the calling test, with a message in the report and on stderr, when kubectl is missing. */
    static List<String> requireKustomize(String what) {
        Optional<List<String>> command = kustomizeCommand();
        if (command.isEmpty()) {
            String message = "SKIPPED " + what + ": kubectl (with kustomize) is not on the PATH; install kubectl "
                    + ">= 1.27 or set KUBECTL to run the overlay checks";
            System.err.println(message);
            Assumptions.abort(message);
        }
        return command.get();
    }

    /**
     * The objects {@code target} (a directory under deploy/k8s) renders to. With kubectl: its
     * kustomize output. Without: the base only, assembled from its resource files and generated
     * ConfigMaps (no hash suffix); an overlay is skipped.
     */
    static synchronized List<JsonNode> rendered(String target) {
        List<JsonNode> cached = RENDERED.get(target);
        if (cached != null) {
            return cached;
        }
        List<JsonNode> objects;
        if (kustomizeCommand().isPresent()) {
            objects = parseAll(kustomize(target));
        } else if (target.equals("base")) {
            objects = assembleBaseWithoutKubectl();
        } else {
            requireKustomize("rendering " + target);
            throw new AssertionError("unreachable");
        }
        RENDERED.put(target, List.copyOf(objects));
        return RENDERED.get(target);
    }

    static String kustomize(String target) {
        List<String> command = new ArrayList<>(requireKustomize("rendering " + target));
        command.add(k8sDir().resolve(target).toString());
        try {
            Path out = Files.createTempFile("kustomize-", ".yaml");
            Path err = Files.createTempFile("kustomize-", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
                }
                assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", command), read(err)).isZero();
                return read(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** base/kustomization.yaml's resources plus its configMapGenerator (env files), unhashed. */
    static List<JsonNode> assembleBaseWithoutKubectl() {
        Path base = k8sDir().resolve("base");
        JsonNode kustomization = parseOne(read(base.resolve("kustomization.yaml")));
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            objects.addAll(parseAll(read(base.resolve(resource.asString()))));
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            ObjectNode cm = YAML.createObjectNode();
            cm.put("apiVersion", "v1");
            cm.put("kind", "ConfigMap");
            ObjectNode metadata = cm.putObject("metadata");
            metadata.put("name", generator.path("name").asString());
            kustomization.path("generatorOptions").path("labels").properties()
                    .forEach(l -> metadata.withObject("labels").put(l.getKey(), l.getValue().asString()));
            ObjectNode data = cm.putObject("data");
            for (JsonNode env : generator.path("envs")) {
                envFile(base.resolve(env.asString())).forEach(data::put);
            }
            objects.add(cm);
        }
        return objects;
    }

    /** KEY=VALUE lines of a kustomize env file, comments and blank lines left out. */
    static Map<String, String> envFile(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            values.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return values;
    }

    /** Every YAML file under base/ that holds whole objects (not the kustomization or env files). */
    static List<Path> baseResourceFiles() {
        try (Stream<Path> files = Files.walk(k8sDir().resolve("base"))) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- navigation over rendered objects ---

    static String kind(JsonNode o) {
        return o.path("kind").asString("");
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asString("");
    }

    static String namespace(JsonNode o) {
        return o.path("metadata").path("namespace").asString("");
    }

    static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> kind(o).equals(kind)).toList();
    }

    static JsonNode one(List<JsonNode> objects, String kind, String name) {
        List<JsonNode> found = objects.stream().filter(o -> kind(o).equals(kind) && name(o).equals(name)).toList();
        assertThat(found).as("exactly one %s named %s", kind, name).hasSize(1);
        return found.get(0);
    }

    /** A generated object's name without kustomize's hash suffix ({@code sluice-common-7bk2…}). */
    static boolean sameGeneratedName(String rendered, String logical) {
        return rendered.equals(logical) || rendered.matches(java.util.regex.Pattern.quote(logical) + "-[a-z0-9]{10}");
    }

    static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
