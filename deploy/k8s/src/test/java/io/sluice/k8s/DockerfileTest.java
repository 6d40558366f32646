package io.sluice.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.k8s.AppSettings.App;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Images cannot be built here (no Docker engine), so the build files are checked against the
 * build instead: the Dockerfile copies the jar the module's pom really produces (the repackaged
 * {@code -exec} jar), extracts the layers that jar really has, and runs the class path and main
 * class the extraction really yields; the Jib profile uses the same JVM flags and contract.
 */
class DockerfileTest {

    private static final Path ROOT = Manifests.repoRoot();
    private static final String DOCKERFILE = Manifests.read(ROOT.resolve("deploy/Dockerfile"));

    /** The Dockerfile's text with its ARG substituted, as Docker would for that build. */
    private static String forApp(App app) {
        return DOCKERFILE.replace("${APP}", app.name().toLowerCase(Locale.ROOT));
    }

    private static Document pom(Path file) throws Exception {
        var factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(file.toFile());
    }

    private static String text(Element parent, String child) {
        NodeList nodes = parent.getElementsByTagName(child);
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getParentNode() == parent) {
                return nodes.item(i).getTextContent().strip();
            }
        }
        return null;
    }

    /** {@code <artifactId>-<version>-<classifier>.jar} of the spring-boot-maven-plugin repackage. */
    private static String execJarName(App app) throws Exception {
        String module = app.name().toLowerCase(Locale.ROOT);
        Element project = pom(ROOT.resolve(module).resolve("pom.xml")).getDocumentElement();
        String artifactId = text(project, "artifactId");
        String version = text((Element) project.getElementsByTagName("parent").item(0), "version");
        String classifier = null;
        NodeList plugins = project.getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if ("spring-boot-maven-plugin".equals(text(plugin, "artifactId"))) {
                Element config = (Element) plugin.getElementsByTagName("configuration").item(0);
                classifier = config == null ? null : text(config, "classifier");
            }
        }
        assertThat(classifier).as("%s repackages with a classifier (the plain jar stays the library)", module).isNotBlank();
        return artifactId + "-" + version + "-" + classifier + ".jar";
    }

    /** The jar path the build stage copies, e.g. {@code gateway/target/sluice-gateway-*-exec.jar}. */
    private static String copiedJarGlob(App app) {
        Matcher m = Pattern.compile("cp (\\S+\\.jar) /build/app\\.jar").matcher(forApp(app));
        assertThat(m.find()).as("the build stage copies one jar to /build/app.jar").isTrue();
        return m.group(1);
    }

    @ParameterizedTest
    @EnumSource(App.class)
    void theBuildStageBuildsTheModuleAndCopiesItsExecJar(App app) throws Exception {
        String module = app.name().toLowerCase(Locale.ROOT);
        assertThat(forApp(app)).contains("./mvnw -B -q -pl " + module + " -am package");
        assertThat(Manifests.read(ROOT.resolve("pom.xml"))).contains("<module>" + module + "</module>");

        String glob = copiedJarGlob(app);
        assertThat(glob).startsWith(module + "/target/");
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        String exec = execJarName(app);
        String plain = exec.replaceAll("-[^-]+\\.jar$", ".jar");
        assertThat(matcher.matches(Path.of(module, "target", exec))).as("%s matches %s", glob, exec).isTrue();
        assertThat(matcher.matches(Path.of(module, "target", plain))).as("%s must not match the plain %s", glob, plain)
                .isFalse();

        // Where the module was packaged in this build, exactly one real file matches.
        Path target = ROOT.resolve(module).resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                List<Path> jars = files.filter(f -> matcher.matches(ROOT.relativize(f))).toList();
                assertThat(jars.size()).as("jars in %s matching %s", target, glob).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void theRuntimeStageCopiesEveryLayerAndRunsAsNonRootWithoutAShell() {
        List<String> copied = new ArrayList<>();
        Matcher m = Pattern.compile("COPY --from=build /build/extracted/([a-z-]+)/ \\./").matcher(DOCKERFILE);
        while (m.find()) {
            copied.add(m.group(1));
        }
        // Spring Boot's default layer order for a jar built by spring-boot-maven-plugin.
        assertThat(copied).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        assertThat(DOCKERFILE).contains("FROM eclipse-temurin:21-jdk AS build")
                .contains("FROM gcr.io/distroless/java21-debian12:nonroot")
                .contains("USER 65532:65532")
                .contains("WORKDIR /app")
                .contains("java -Djarmode=tools -jar app.jar extract --layers --destination extracted");
        assertThat(entrypoint()).endsWith("-cp", "/app/app.jar");
        assertThat(DOCKERFILE).contains("CMD [\"@/app/main-class\"]");
        // No RUN after the runtime FROM: distroless has no shell.
        String runtime = DOCKERFILE.substring(DOCKERFILE.indexOf("FROM gcr.io/distroless"));
        assertThat(runtime).doesNotContain("\nRUN ");
    }

    private static List<String> entrypoint() {
        Matcher m = Pattern.compile("ENTRYPOINT \\[(.*)]").matcher(DOCKERFILE);
        assertThat(m.find()).isTrue();
        List<String> args = new ArrayList<>();
        Matcher q = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (q.find()) {
            args.add(q.group(1));
        }
        return args;
    }

    @Test
    void jvmFlagsAreSizedForContainersAndTheSameForJib() throws Exception {
        List<String> docker = entrypoint();
        assertThat(docker).contains("-XX:MaxRAMPercentage=75", "-XX:+UseG1GC", "-XX:+UseTransparentHugePages",
                "-XX:+ExitOnOutOfMemoryError");

        Element root = pom(ROOT.resolve("pom.xml")).getDocumentElement();
        Element jib = null;
        NodeList profiles = root.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            if ("jib".equals(text(p, "id"))) {
                jib = p;
            }
        }
        assertThat(jib).as("root pom has a jib profile").isNotNull();
        Element entry = (Element) jib.getElementsByTagName("entrypoint").item(0);
        List<String> jibEntrypoint = new ArrayList<>();
        NodeList args = entry.getElementsByTagName("arg");
        for (int i = 0; i < args.getLength(); i++) {
            jibEntrypoint.add(args.item(i).getTextContent().strip());
        }
        // Same JVM and flags; Jib's class path is its argument file instead of app.jar.
        assertThat(jibEntrypoint.subList(0, jibEntrypoint.size() - 1))
                .isEqualTo(docker.subList(0, docker.size() - 1));
        assertThat(jibEntrypoint.get(jibEntrypoint.size() - 1)).isEqualTo("@/app/jib-classpath-file");
        Element containerArgs = (Element) jib.getElementsByTagName("args").item(0);
        assertThat(containerArgs.getTextContent().strip()).isEqualTo("@/app/jib-main-class-file");
        assertThat(text((Element) jib.getElementsByTagName("container").item(0), "user")).isEqualTo("65532:65532");
    }

    /**
     * Runs the Dockerfile's extraction on the jar this build produced (when it was packaged) and
     * checks the layout the runtime stage and the Kubernetes manifests rely on.
     */
    @ParameterizedTest
    @EnumSource(App.class)
    void theExtractedJarHasTheLayoutTheImageRuns(App app, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        String module = app.name().toLowerCase(Locale.ROOT);
        Path jar = ROOT.resolve(module).resolve("target").resolve(execJarName(app));
        if (!Files.isRegularFile(jar)) {
            String message = "SKIPPED extraction check: " + ROOT.relativize(jar) + " not built (run ./mvnw package or verify)";
            System.err.println(message);
            Assumptions.abort(message);
        }
        Path appJar = tmp.resolve("app.jar");
        Files.copy(jar, appJar);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djarmode=tools", "-jar", "app.jar", "extract", "--layers",
                "--destination", "extracted").directory(tmp.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as("extract: %s", output).isZero();

        Path extracted = tmp.resolve("extracted");
        try (Stream<Path> layers = Files.list(extracted)) {
            assertThat(layers.map(l -> l.getFileName().toString()))
                    .containsExactlyInAnyOrder("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
        }
        Path extractedJar = extracted.resolve("application/app.jar");
        assertThat(extractedJar).isRegularFile();
        try (JarFile extractedApp = new JarFile(extractedJar.toFile())) {
            var attributes = extractedApp.getManifest().getMainAttributes();
            String mainClass = attributes.getValue("Main-Class");
            assertThat(mainClass).as("Main-Class the image's main-class file will hold")
                    .isEqualTo("io.sluice." + module + "." + (app == App.GATEWAY ? "GatewayApplication" : "ScorerApplication"));
            // java -cp /app/app.jar resolves the libraries through the manifest's Class-Path.
            String classPath = attributes.getValue("Class-Path");
            assertThat(classPath).isNotBlank();
            for (String entry : classPath.split(" ")) {
                assertThat(Stream.of("dependencies", "snapshot-dependencies", "application")
                        .anyMatch(layer -> Files.isRegularFile(extracted.resolve(layer).resolve(entry))))
                        .as("%s is in one of the copied layers", entry).isTrue();
            }
        }
    }

    @Test
    void theBuildContextLeavesOutBuildOutput() throws IOException {
        String ignore = Manifests.read(ROOT.resolve("deploy/Dockerfile.dockerignore"));
        assertThat(ignore).contains("**/target/").contains(".git/");
    }
}
