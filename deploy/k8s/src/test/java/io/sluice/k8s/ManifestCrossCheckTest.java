package io.sluice.k8s;

import static io.sluice.k8s.Manifests.kind;
import static io.sluice.k8s.Manifests.list;
import static io.sluice.k8s.Manifests.name;
import static io.sluice.k8s.Manifests.namespace;
import static io.sluice.k8s.Manifests.ofKind;
import static io.sluice.k8s.Manifests.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.k8s.AppSettings.App;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import tools.jackson.databind.JsonNode;

/**
 * The manifests agree with what the apps expose and read: ports, probe paths and health groups,
 * environment variable names, main classes, topics and consumer group, shutdown timing, and the
 * references between objects. Runs on every rendered overlay (and the base).
 */
class ManifestCrossCheckTest {

    static final List<String> TARGETS = Manifests.TARGETS;

    private static final String MIGRATE_MAIN = "io.sluice.gateway.migrate.MigrateMain";
    private static final Set<String> CHECKED_ENV_PREFIXES = Set.of("SLUICE_", "SPRING_", "MANAGEMENT_", "LOGGING_",
            "SERVER_");

    /** A container of a Deployment or Job together with where it sits. */
    record Container(JsonNode workload, JsonNode pod, JsonNode container, boolean init) {

        String image() {
            return container.path("image").asString("");
        }

        App app() {
            return App.ofImage(image());
        }

        List<String> args() {
            return list(container.path("args")).stream().map(JsonNode::asString).toList();
        }

        /** The app's own process (not a migration or await run of the gateway image). */
        boolean runsApp() {
            return !init && args().isEmpty() && app() != null;
        }

        String where() {
            return kind(workload) + " " + name(workload) + (init ? " init" : "") + " container "
                    + container.path("name").asString();
        }
    }

    static List<Container> containers(List<JsonNode> objects) {
        List<Container> out = new ArrayList<>();
        for (JsonNode w : objects) {
            if (kind(w).equals("Deployment") || kind(w).equals("Job")) {
                JsonNode pod = w.path("spec").path("template").path("spec");
                pod.path("initContainers").forEach(c -> out.add(new Container(w, pod, c, true)));
                pod.path("containers").forEach(c -> out.add(new Container(w, pod, c, false)));
            }
        }
        return out;
    }

    static List<Container> appContainers(List<JsonNode> objects, App app) {
        return containers(objects).stream().filter(c -> c.runsApp() && c.app() == app).toList();
    }

    /** Every environment variable a container gets: env entries, then envFrom ConfigMaps' keys. */
    static Map<String, String> environment(List<JsonNode> objects, Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : c.container().path("envFrom")) {
            if (from.has("configMapRef")) {
                String ref = from.path("configMapRef").path("name").asString();
                JsonNode cm = one(objects, "ConfigMap", ref);
                cm.path("data").properties().forEach(e -> env.put(e.getKey(), e.getValue().asString()));
            }
            assertThat(from.has("prefix")).as("%s: envFrom prefixes hide names from these checks", c.where()).isFalse();
        }
        for (JsonNode e : c.container().path("env")) {
            env.put(e.path("name").asString(), e.has("value") ? e.path("value").asString() : null);
        }
        return env;
    }

    static String setting(List<JsonNode> objects, Container c, String envName, String defaultValue) {
        String v = environment(objects, c).get(envName);
        return v == null ? defaultValue : v;
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void containerPortsAndProbesMatchTheApps(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        for (App app : App.values()) {
            List<Container> found = appContainers(objects, app);
            assertThat(found).as("%s: a container runs %s", target, app.image).hasSize(1);
            Container c = found.get(0);
            int port = AppSettings.serverPort(app);
            JsonNode http = list(c.container().path("ports")).stream()
                    .filter(p -> p.path("name").asString("").equals("http")).findFirst().orElseThrow();
            assertThat(http.path("containerPort").asInt()).as("%s: containerPort = server.port of %s", c.where(),
                    app.configFile).isEqualTo(port);

            // Probes: Spring Boot's probe paths for the health groups the app defines.
            String health = AppSettings.actuatorBasePath(app) + "/health/";
            assertThat(AppSettings.at(AppSettings.config(app), "management.endpoint.health.probes.enabled").asBoolean())
                    .isTrue();
            assertThat(AppSettings.healthGroup(app, "liveness")).as("%s liveness group", app.configFile)
                    .contains("livenessState").doesNotContain("r2dbc", "db", "kafka");
            List<String> readiness = AppSettings.healthGroup(app, "readiness");
            assertThat(readiness).as("%s readiness group", app.configFile).contains("readinessState", "r2dbc");
            if (app == App.GATEWAY) {
                assertThat(readiness).as("gateway readiness includes Kafka").contains("kafka");
            }
            assertProbe(c, "livenessProbe", health + "liveness", port);
            assertProbe(c, "startupProbe", health + "liveness", port);
            assertProbe(c, "readinessProbe", health + "readiness", port);
            assertThat(AppSettings.exposes(app, "health")).isTrue();
        }
    }

    private static void assertProbe(Container c, String probe, String path, int port) {
        JsonNode get = c.container().path(probe).path("httpGet");
        assertThat(get.path("path").asString(null)).as("%s %s path", c.where(), probe).isEqualTo(path);
        JsonNode p = get.path("port");
        if (p.isNumber()) {
            assertThat(p.asInt()).as("%s %s port", c.where(), probe).isEqualTo(port);
        } else {
            int resolved = list(c.container().path("ports")).stream()
                    .filter(x -> x.path("name").asString("").equals(p.asString()))
                    .mapToInt(x -> x.path("containerPort").asInt()).findFirst().orElse(-1);
            assertThat(resolved).as("%s %s port %s", c.where(), probe, p.asString()).isEqualTo(port);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void everyEnvironmentVariableIsASettingTheAppReads(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        Set<String> boot = AppSettings.bootProperties();
        List<String> unknown = new ArrayList<>();
        for (Container c : containers(objects)) {
            App app = c.app();
            assertThat(app).as("%s runs a Sluice image", c.where()).isNotNull();
            // The migration tool and the await step read gateway.yml and the gateway's settings.
            App reads = c.runsApp() ? app : App.GATEWAY;
            Set<String> exact = new HashSet<>(boot);
            Set<String> prefixes = new HashSet<>(AppSettings.bootMapPrefixes());
            for (String s : AppSettings.sluiceSettings(reads)) {
                if (s.endsWith(".*")) {
                    prefixes.add(s.substring(0, s.length() - 2));
                } else {
                    exact.add(s);
                }
            }
            for (String env : environment(objects, c).keySet()) {
                boolean checked = CHECKED_ENV_PREFIXES.stream().anyMatch(env::startsWith);
                if (checked && !AppSettings.binds(env, exact, prefixes)) {
                    unknown.add(c.where() + ": " + env);
                }
            }
        }
        assertThat(unknown).as("%s: variables that no setting of the app binds to (docs/configuration.md, "
                + "Spring Boot metadata)", target).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void databaseSettingsComeFromTheCloudNativePgSecret(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        JsonNode cluster = ofKind(objects, "Cluster").get(0);
        String secret = name(cluster) + "-app";
        Map<String, String> keys = Map.of("SLUICE_DB_HOST", "host", "SLUICE_DB_PORT", "port", "SLUICE_DB_NAME", "dbname",
                "SLUICE_DB_USER", "username", "SLUICE_DB_PASSWORD", "password");
        for (Container c : containers(objects)) {
            for (var e : keys.entrySet()) {
                JsonNode ref = list(c.container().path("env")).stream()
                        .filter(v -> v.path("name").asString().equals(e.getKey())).findFirst()
                        .map(v -> v.path("valueFrom").path("secretKeyRef")).orElseThrow(
                                () -> new AssertionError(c.where() + " has no " + e.getKey()));
                assertThat(ref.path("name").asString()).as("%s %s", c.where(), e.getKey()).isEqualTo(secret);
                assertThat(ref.path("key").asString()).as("%s %s", c.where(), e.getKey()).isEqualTo(e.getValue());
            }
        }
        assertThat(cluster.path("spec").path("bootstrap").path("initdb").path("database").asString()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void onlyTheMigrationJobRunsFlyway(String target) throws Exception {
        List<JsonNode> objects = Manifests.rendered(target);
        for (App app : App.values()) {
            Container c = appContainers(objects, app).get(0);
            assertThat(setting(objects, c, "SPRING_FLYWAY_ENABLED", "true")).as("%s", c.where()).isEqualTo("false");
        }
        List<JsonNode> jobs = ofKind(objects, "Job");
        assertThat(jobs).hasSize(1);
        JsonNode job = jobs.get(0);
        assertThat(job.path("spec").path("ttlSecondsAfterFinished").isInt()).as("Job is cleaned up").isTrue();
        String gatewayImage = appContainers(objects, App.GATEWAY).get(0).image();
        Class<?> migrate = Class.forName(MIGRATE_MAIN);
        String await = (String) migrate.getField("AWAIT").get(null);
        for (Container c : containers(objects)) {
            if (c.runsApp()) {
                continue;
            }
            // Every other container runs a main class of the image it names, from the same version.
            assertThat(c.image()).as("%s runs the gateway's image and version", c.where()).isEqualTo(gatewayImage);
            assertMainClass(c.args().get(0), c.app());
            if (kind(c.workload()).equals("Job")) {
                assertThat(c.args()).as("%s migrates", c.where()).containsExactly(MIGRATE_MAIN);
            } else {
                assertThat(c.init()).as("%s", c.where()).isTrue();
                assertThat(c.args()).as("%s only waits for the schema", c.where()).containsExactly(MIGRATE_MAIN, await);
            }
        }
        // Both apps wait for the schema before they start.
        for (App app : App.values()) {
            JsonNode pod = appContainers(objects, app).get(0).pod();
            assertThat(list(pod.path("initContainers"))).as("%s init containers", app.image)
                    .anySatisfy(i -> assertThat(i.path("args").toString()).contains(await));
        }
    }

    private static void assertMainClass(String className, App app) throws Exception {
        Class<?> type = Class.forName(className);
        Method main = type.getMethod("main", String[].class);
        assertThat(Modifier.isStatic(main.getModifiers())).as("%s has a static main", className).isTrue();
        assertThat(className).as("%s ships in %s", className, app.image)
                .startsWith("io.sluice." + app.name().toLowerCase() + ".");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void shutdownFitsTheGracePeriod(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        assertThat(AppSettings.at(AppSettings.config(App.GATEWAY), "server.shutdown").asString()).isEqualTo("graceful");

        Container gateway = appContainers(objects, App.GATEWAY).get(0);
        long preStop = gateway.container().path("lifecycle").path("preStop").path("sleep").path("seconds").asLong(-1);
        assertThat(preStop).as("gateway preStop sleep (native handler: no shell in the image)").isPositive();
        long grace = gateway.pod().path("terminationGracePeriodSeconds").asLong();
        Duration phase = AppSettings.shutdownPhaseTimeout(App.GATEWAY);
        assertThat(grace).as("gateway: terminationGracePeriodSeconds >= preStop %d s + drain %s", preStop, phase)
                .isGreaterThanOrEqualTo(preStop + phase.toSeconds());

        Container scorer = appContainers(objects, App.SCORER).get(0);
        long scorerGrace = scorer.pod().path("terminationGracePeriodSeconds").asLong();
        Duration scorerPhase = AppSettings.shutdownPhaseTimeout(App.SCORER);
        Duration drain = AppSettings.duration(setting(objects, scorer, "SLUICE_SCORER_DRAIN_TIMEOUT", "20s"));
        assertThat(drain).as("the scorer's batch drain fits its shutdown phase").isLessThanOrEqualTo(scorerPhase);
        assertThat(scorerGrace).as("scorer: terminationGracePeriodSeconds >= shutdown phase %s", scorerPhase)
                .isGreaterThanOrEqualTo(scorerPhase.toSeconds());
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void kafkaTopicsConsumerGroupAndScalingAgree(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        JsonNode kafka = ofKind(objects, "Kafka").get(0);
        Map<String, JsonNode> topics = new LinkedHashMap<>();
        for (JsonNode t : ofKind(objects, "KafkaTopic")) {
            String topicName = t.path("spec").path("topicName").asString(name(t));
            topics.put(topicName, t);
            assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asString())
                    .as("topic %s belongs to the Kafka cluster", topicName).isEqualTo(name(kafka));
        }
        assertThat(topics).containsKeys("sluice.events", "sluice.alerts", "sluice.events.dlq");

        int brokers = ofKind(objects, "KafkaNodePool").stream()
                .filter(p -> p.path("metadata").path("labels").path("strimzi.io/cluster").asString().equals(name(kafka)))
                .filter(p -> p.path("spec").path("roles").toString().contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        assertThat(brokers).isPositive();
        for (var e : topics.entrySet()) {
            JsonNode spec = e.getValue().path("spec");
            int replicas = spec.path("replicas").asInt();
            int minIsr = spec.path("config").path("min.insync.replicas").asInt();
            assertThat(replicas).as("%s replicas <= brokers", e.getKey()).isBetween(1, brokers);
            assertThat(minIsr).as("%s min.insync.replicas", e.getKey()).isBetween(1, replicas);
            if (replicas > 1) {
                assertThat(minIsr).as("%s: a broker may fail without stopping writes", e.getKey()).isLessThan(replicas);
            }
            assertThat(spec.path("config").path("retention.ms").asLong()).as("%s retention", e.getKey()).isPositive();
            if (brokers >= 3) {
                assertThat(replicas).as("%s replication", e.getKey()).isEqualTo(3);
                assertThat(minIsr).as("%s min.insync.replicas", e.getKey()).isEqualTo(2);
            }
        }

        // Clients point at the plain listener of this cluster and at topics that exist.
        int plainPort = list(kafka.path("spec").path("kafka").path("listeners")).stream()
                .filter(l -> !l.path("tls").asBoolean()).mapToInt(l -> l.path("port").asInt()).findFirst().orElseThrow();
        String bootstrap = name(kafka) + "-kafka-bootstrap:" + plainPort;
        Container gateway = appContainers(objects, App.GATEWAY).get(0);
        Container scorer = appContainers(objects, App.SCORER).get(0);
        assertThat(setting(objects, gateway, "SLUICE_KAFKA_BOOTSTRAP_SERVERS", "")).isEqualTo(bootstrap);
        assertThat(setting(objects, scorer, "SLUICE_SCORER_BOOTSTRAP_SERVERS", "")).isEqualTo(bootstrap);
        String eventsTopic = setting(objects, gateway, "SLUICE_KAFKA_TOPIC", "sluice.events");
        assertThat(topics).containsKey(eventsTopic);
        assertThat(setting(objects, scorer, "SLUICE_SCORER_TOPIC", "sluice.events")).isEqualTo(eventsTopic);
        assertThat(topics).containsKey(setting(objects, scorer, "SLUICE_SCORER_DEAD_LETTER_TOPIC", "sluice.events.dlq"));
        assertThat(topics).containsKey(setting(objects, scorer, "SLUICE_SCORING_ALERTS_TOPIC", "sluice.alerts"));
        assertThat(topics.get(eventsTopic).path("spec").path("config").path("max.message.bytes").asLong())
                .as("a topic message fits the gateway's largest record (sluice.kafka.max-record-bytes) and its batch")
                .isGreaterThan(Long.parseLong(setting(objects, gateway, "SLUICE_KAFKA_MAX_RECORD_BYTES", "1048576")));

        // Strimzi's listener policy admits both apps.
        String peers = kafka.path("spec").path("kafka").path("listeners").get(0).path("networkPolicyPeers").toString();
        assertThat(peers).contains(App.GATEWAY.image, App.SCORER.image);

        // KEDA: the scorer's group on the events topic, never more replicas than partitions.
        JsonNode scaled = one(objects, "ScaledObject", "sluice-scorer");
        JsonNode scorerDeployment = scorer.workload();
        assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asString()).isEqualTo(name(scorerDeployment));
        JsonNode trigger = scaled.path("spec").path("triggers").get(0);
        assertThat(trigger.path("type").asString()).isEqualTo("kafka");
        JsonNode meta = trigger.path("metadata");
        assertThat(meta.path("topic").asString()).isEqualTo(eventsTopic);
        assertThat(meta.path("consumerGroup").asString())
                .isEqualTo(setting(objects, scorer, "SLUICE_SCORER_GROUP_ID", "sluice-scorer"));
        int partitions = topics.get(eventsTopic).path("spec").path("partitions").asInt();
        int maxReplicas = scaled.path("spec").path("maxReplicaCount").asInt();
        assertThat(maxReplicas).as("KEDA maxReplicaCount <= %s partitions", eventsTopic).isBetween(1, partitions);
        assertThat(scaled.path("spec").path("minReplicaCount").asInt())
                .as("the scorer never scales to zero (it maintains partitions)").isGreaterThanOrEqualTo(1);
        assertThat(meta.path("allowIdleConsumers").asString()).isEqualTo("false");
        // KEDA's operator runs elsewhere: the bootstrap name must carry this overlay's namespace.
        String servers = meta.path("bootstrapServers").asString();
        if (!namespace(scaled).isEmpty()) {
            assertThat(servers).isEqualTo(name(kafka) + "-kafka-bootstrap." + namespace(scaled) + ".svc:" + plainPort);
        } else {
            assertThat(servers).startsWith(name(kafka) + "-kafka-bootstrap.").endsWith(":" + plainPort);
        }
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void referencesBetweenObjectsResolve(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        Map<String, JsonNode> deployments = new LinkedHashMap<>();
        ofKind(objects, "Deployment").forEach(d -> deployments.put(name(d), d));

        // Autoscaled Deployments leave replicas to the autoscaler.
        JsonNode hpa = one(objects, "HorizontalPodAutoscaler", "sluice-gateway");
        JsonNode gatewayDeployment = deployments.get(hpa.path("spec").path("scaleTargetRef").path("name").asString());
        assertThat(gatewayDeployment).isNotNull();
        assertThat(gatewayDeployment.path("spec").has("replicas")).as("gateway replicas owned by the HPA").isFalse();
        assertThat(hpa.path("spec").path("minReplicas").asInt()).isLessThanOrEqualTo(hpa.path("spec").path("maxReplicas").asInt());
        assertThat(deployments.get("sluice-scorer").path("spec").has("replicas")).as("scorer replicas owned by KEDA").isFalse();

        // Services, PDBs and NetworkPolicies select the pods they are meant for.
        for (App app : App.values()) {
            Container c = appContainers(objects, app).get(0);
            Map<String, String> podLabels = labels(c.workload().path("spec").path("template").path("metadata"));
            JsonNode service = one(objects, "Service", app.image);
            assertThat(podLabels).as("Service %s selector", app.image).containsAllEntriesOf(labels(service.path("spec").path("selector")));
            JsonNode port = service.path("spec").path("ports").get(0);
            assertThat(port.path("name").asString()).isEqualTo("http");
            assertThat(port.path("targetPort").asString()).isEqualTo("http");
            assertThat(podLabels).as("PDB %s selector", app.image).containsAllEntriesOf(
                    labels(one(objects, "PodDisruptionBudget", app.image).path("spec").path("selector").path("matchLabels")));
            JsonNode policy = one(objects, "NetworkPolicy", app.image);
            assertThat(podLabels).containsAllEntriesOf(labels(policy.path("spec").path("podSelector").path("matchLabels")));
            assertThat(policy.path("spec").path("ingress").toString())
                    .as("NetworkPolicy %s admits the app's port", app.image)
                    .contains("\"port\":" + AppSettings.serverPort(app));
            String egress = policy.path("spec").path("egress").toString();
            assertThat(egress).contains("\"strimzi.io/cluster\":\"" + name(ofKind(objects, "Kafka").get(0)) + "\"")
                    .contains("\"cnpg.io/cluster\":\"" + name(ofKind(objects, "Cluster").get(0)) + "\"");

            // Topology spread: one constraint per topology key (a strategic merge can duplicate them).
            List<String> keys = list(c.pod().path("topologySpreadConstraints")).stream()
                    .map(t -> t.path("topologyKey").asString()).toList();
            assertThat(keys).as("%s topology keys", c.where()).doesNotHaveDuplicates().contains("topology.kubernetes.io/zone");
        }

        // Prometheus scrapes the path the apps expose, through a port both Services name.
        JsonNode monitor = ofKind(objects, "ServiceMonitor").get(0);
        for (App app : App.values()) {
            assertThat(AppSettings.exposes(app, "prometheus")).isTrue();
            assertThat(monitor.path("spec").path("selector").toString()).contains(app.image);
            JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
            assertThat(endpoint.path("path").asString()).isEqualTo(AppSettings.actuatorBasePath(app) + "/prometheus");
            assertThat(endpoint.path("port").asString()).isEqualTo("http");
        }

        // The Ingress reaches the gateway's Service, SSE-friendly.
        JsonNode ingress = one(objects, "Ingress", "sluice-gateway");
        for (JsonNode rule : ingress.path("spec").path("rules")) {
            for (JsonNode path : rule.path("http").path("paths")) {
                JsonNode backend = path.path("backend").path("service");
                assertThat(backend.path("name").asString()).isEqualTo("sluice-gateway");
                assertThat(backend.path("port").path("name").asString()).isEqualTo("http");
                assertThat(path.path("path").asString()).doesNotStartWith("/actuator").doesNotStartWith("/admin");
            }
        }
        JsonNode annotations = ingress.path("metadata").path("annotations");
        assertThat(annotations.path("nginx.ingress.kubernetes.io/proxy-buffering").asString()).isEqualTo("off");
        assertThat(Integer.parseInt(annotations.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asString()))
                .isGreaterThanOrEqualTo(3600);
    }

    /**
     * docs/deploy.md upgrades in steps, each {@code kubectl apply -k <overlay> -l <selector>}: the
     * migration Job first, then the scorer, then everything. Each step's selector must take along
     * what its workloads reference (ConfigMaps, ServiceAccount), or the step would fail.
     */
    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void upgradeStepsSelectEverythingTheirWorkloadsNeed(String target) {
        List<JsonNode> objects = Manifests.rendered(target);
        Map<String, Set<String>> steps = Map.of("migrate", Set.of("config", "migrate"), "scorer", Set.of("config", "scorer"));
        for (var step : steps.entrySet()) {
            List<JsonNode> selected = objects.stream()
                    .filter(o -> step.getValue().contains(component(o)))
                    .toList();
            List<JsonNode> workloads = selected.stream()
                    .filter(o -> kind(o).equals("Job") || kind(o).equals("Deployment")).toList();
            assertThat(workloads).as("step %s selects its workload", step.getKey()).hasSize(1);
            JsonNode pod = workloads.get(0).path("spec").path("template").path("spec");
            Set<String> needed = new HashSet<>();
            needed.add("ServiceAccount/" + pod.path("serviceAccountName").asString());
            for (String containers : List.of("initContainers", "containers")) {
                for (JsonNode c : pod.path(containers)) {
                    c.path("envFrom").forEach(f -> needed.add("ConfigMap/" + f.path("configMapRef").path("name").asString()));
                }
            }
            Set<String> have = new HashSet<>();
            selected.forEach(o -> have.add(kind(o) + "/" + name(o)));
            assertThat(have).as("step %s (%s)", step.getKey(), step.getValue()).containsAll(needed);
        }
        // Every object carries a component, so the last step (no selector) is the only one that
        // could pick up something unlabelled.
        for (JsonNode o : objects) {
            assertThat(component(o)).as("%s %s has app.kubernetes.io/component", kind(o), name(o)).isNotEmpty();
        }
    }

    private static String component(JsonNode o) {
        return o.path("metadata").path("labels").path("app.kubernetes.io/component").asString("");
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("TARGETS")
    void everyContainerIsLockedDownAndSized(String target) {
        for (Container c : containers(Manifests.rendered(target))) {
            JsonNode podSecurity = c.pod().path("securityContext");
            JsonNode security = c.container().path("securityContext");
            boolean nonRoot = security.path("runAsNonRoot").asBoolean(podSecurity.path("runAsNonRoot").asBoolean(false));
            assertThat(nonRoot).as("%s runAsNonRoot", c.where()).isTrue();
            assertThat(podSecurity.path("runAsUser").asInt(0)).as("%s uid", c.where()).isPositive();
            assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as("%s readOnlyRootFilesystem", c.where()).isTrue();
            assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as("%s allowPrivilegeEscalation", c.where())
                    .isFalse();
            assertThat(security.path("capabilities").path("drop").toString()).as("%s drops capabilities", c.where())
                    .contains("\"ALL\"");
            JsonNode resources = c.container().path("resources");
            assertThat(resources.path("requests").has("cpu") && resources.path("requests").has("memory"))
                    .as("%s requests", c.where()).isTrue();
            assertThat(resources.path("limits").has("memory")).as("%s memory limit", c.where()).isTrue();
            assertThat(c.container().path("volumeMounts").toString()).as("%s writable /tmp", c.where())
                    .contains("\"mountPath\":\"/tmp\"");
            assertThat(c.pod().path("automountServiceAccountToken").asBoolean(true)).isFalse();
        }
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode labels = node.has("labels") ? node.path("labels") : node;
        labels.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }
}
