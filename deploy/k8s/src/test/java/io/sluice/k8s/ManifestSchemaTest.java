package io.sluice.k8s;

import static io.sluice.k8s.Manifests.kind;
import static io.sluice.k8s.Manifests.name;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every object the overlays render validates against the JSON Schema of its apiVersion and kind
 * (deploy/k8s/schemas, copied from kubeconform's schema sets and datreeio's CRD catalog). Core
 * kinds are strict everywhere; the CRD schemas are strict under {@code spec} (see the schemas'
 * README), so a misspelled field fails the build.
 */
class ManifestSchemaTest {

    static final List<String> TARGETS = Manifests.TARGETS;

    private static final String CORE_DIR = "kubernetes/v1.32.2-standalone-strict";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    private static final Map<Path, Schema> SCHEMAS = new ConcurrentHashMap<>();

    /** The schema file for an object, chosen by apiVersion and kind (kubeconform's naming). */
    static Path schemaFile(JsonNode object) {
        String apiVersion = object.path("apiVersion").asString("");
        String kind = kind(object).toLowerCase(Locale.ROOT);
        Path root = Manifests.k8sDir().resolve("schemas");
        int slash = apiVersion.indexOf('/');
        if (slash < 0) {
            return root.resolve(CORE_DIR).resolve(kind + "-" + apiVersion + ".json");
        }
        String group = apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        if (!group.contains(".") || group.endsWith(".k8s.io")) {
            // apps/v1 -> deployment-apps-v1.json, networking.k8s.io/v1 -> ingress-networking-v1.json
            String shortGroup = group.substring(0, group.indexOf('.') < 0 ? group.length() : group.indexOf('.'));
            return root.resolve(CORE_DIR).resolve(kind + "-" + shortGroup + "-" + version + ".json");
        }
        return root.resolve("crds").resolve(group).resolve(kind + "_" + version + ".json");
    }

    static Schema schema(Path file) {
        return SCHEMAS.computeIfAbsent(file, f -> {
            ObjectNode node = (ObjectNode) Manifests.YAML.readTree(Manifests.read(f));
            // The core files say "$schema": "http://json-schema.org/schema#" (no draft): the
            // registry's draft-07 dialect applies instead of a meta-schema fetched from the web.
            node.remove("$schema");
            return REGISTRY.getSchema(node);
        });
    }

    static List<String> violations(JsonNode object) {
        Path file = schemaFile(object);
        if (!Files.isRegularFile(file)) {
            return List.of("no schema for " + object.path("apiVersion").asString() + " " + kind(object)
                    + " (expected " + Manifests.k8sDir().relativize(file) + "): only kinds with a schema may be rendered");
        }
        List<String> out = new ArrayList<>();
        for (Error e : schema(file).validate(object)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }

    static void assertValid(String where, List<JsonNode> objects) {
        List<String> problems = new ArrayList<>();
        for (JsonNode o : objects) {
            for (String v : violations(o)) {
                problems.add(where + ": " + kind(o) + " " + name(o) + ": " + v);
            }
        }
        assertThat(problems).as("schema violations").isEmpty();
    }

    @ParameterizedTest(name = "{0} renders and every object matches its schema")
    @FieldSource("TARGETS")
    void everyRenderedObjectMatchesItsSchema(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        assertThat(objects).isNotEmpty();
        assertValid(target, objects);
    }

    /** Needs no kubectl: the base's files are whole objects and are checked as written. */
    @Test
    void everyBaseFileMatchesItsSchemaAsWritten() {
        List<Path> files = Manifests.baseResourceFiles();
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            assertValid(Manifests.k8sDir().relativize(f).toString(), Manifests.parseAll(Manifests.read(f)));
        }
    }

    @Test
    void aMisspelledFieldInTheGatewayDeploymentFails() {
        JsonNode deployment = Manifests.one(Manifests.rendered("base"), "Deployment", "sluice-gateway").deepCopy();
        ObjectNode container = (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
        container.set("readinesProbe", container.remove("readinessProbe"));
        assertThat(violations(deployment)).anySatisfy(v -> assertThat(v).contains("readinesProbe"));

        JsonNode deep = Manifests.one(Manifests.rendered("base"), "Deployment", "sluice-gateway").deepCopy();
        ObjectNode securityContext = (ObjectNode) deep.path("spec").path("template").path("spec")
                .path("containers").get(0).path("securityContext");
        securityContext.put("readOnlyRootFileSystem", true);
        assertThat(violations(deep)).anySatisfy(v -> assertThat(v).contains("readOnlyRootFileSystem"));

        JsonNode top = Manifests.one(Manifests.rendered("base"), "Deployment", "sluice-gateway").deepCopy();
        ((ObjectNode) top).putObject("metdata");
        assertThat(violations(top)).as("core kinds are strict at the root too").isNotEmpty();
    }

    @Test
    void aMisspelledFieldUnderACustomResourceSpecFails() {
        JsonNode topic = Manifests.rendered("base").stream()
                .filter(o -> kind(o).equals("KafkaTopic")).findFirst().orElseThrow().deepCopy();
        ((ObjectNode) topic.path("spec")).put("partiton", 3);
        assertThat(violations(topic)).anySatisfy(v -> assertThat(v).contains("partiton"));

        JsonNode scaled = Manifests.one(Manifests.rendered("base"), "ScaledObject", "sluice-scorer").deepCopy();
        ((ObjectNode) scaled.path("spec")).put("maxReplicas", 3);
        assertThat(violations(scaled)).anySatisfy(v -> assertThat(v).contains("maxReplicas"));
    }

    /**
     * Documents the limit of the CRD schemas (docs/deploy.md says so too): their root is open, so
     * an unknown top-level key of a custom resource is not caught; everything under spec is.
     */
    @Test
    void customResourceSchemasAreOpenOnlyAtTheRoot() {
        JsonNode kafka = Manifests.one(Manifests.rendered("base"), "Kafka", "sluice-kafka").deepCopy();
        ((ObjectNode) kafka).putObject("spek");
        assertThat(violations(kafka)).isEmpty();
    }
}
