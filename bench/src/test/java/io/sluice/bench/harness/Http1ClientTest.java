package io.sluice.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The load generator's client against a real HTTP server on loopback. */
class Http1ClientTest {

    private final List<AutoCloseable> closing = new ArrayList<>();
    /** The client's ports the server saw: one per connection. */
    private final Set<Integer> connections = ConcurrentHashMap.newKeySet();
    /** The client's port of each request, in the order they arrived. */
    private final Queue<Integer> ports = new ConcurrentLinkedQueue<>();
    private final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private enum Answers { YES, NEVER, DROP }

    /**
     * Answers each POST with its body's length ({@code close}: with Connection: close), never
     * answers, or drops the connection, and notes what it received.
     */
    private InetSocketAddress server(boolean close, Answers answers) {
        DisposableServer started = HttpServer.create().host("127.0.0.1").port(0)
                .handle((req, res) -> req.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .flatMap(body -> {
                            connections.add(req.remoteAddress().getPort());
                            ports.add(req.remoteAddress().getPort());
                            seen.add(req.method() + " " + req.uri() + " " + req.requestHeaders().get("Content-Type")
                                    + " " + req.requestHeaders().get("X-Key") + " " + body);
                            if (answers == Answers.NEVER) {
                                return Mono.never();
                            }
                            if (answers == Answers.DROP) {
                                res.withConnection(c -> c.channel().close());
                                return Mono.never();
                            }
                            if (close) {
                                res.keepAlive(false);
                            }
                            return res.status(202).sendString(Mono.just("{\"accepted\":" + body.length() + "}")).then();
                        }))
                .bindNow();
        closing.add(() -> {
            if (!started.isDisposed()) {
                started.disposeNow();
            }
        });
        return new InetSocketAddress("127.0.0.1", started.port());
    }

    private Http1Client client(int maxConnections, Duration timeout) {
        Http1Client client = new Http1Client(maxConnections, timeout);
        closing.add(0, client);
        return client;
    }

    /** Sends {@code n} copies of {@code request} at once from the client's event loop. */
    private static List<CompletableFuture<String>> sendAll(Http1Client client, InetSocketAddress to, ByteBuf request,
            int n) {
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(new CompletableFuture<>());
        }
        client.loop().execute(() -> {
            for (CompletableFuture<String> a : answers) {
                client.send(to, request.retainedDuplicate(), new Http1Client.Answer() {
                    @Override
                    public void answered(int status, String body) {
                        a.complete(status + " " + body);
                    }

                    @Override
                    public void failed(Throwable cause) {
                        a.completeExceptionally(cause);
                    }
                });
            }
            request.release();
        });
        return answers;
    }

    private static void assertEveryAnswer(List<CompletableFuture<String>> answers, String expected) throws Exception {
        for (CompletableFuture<String> a : answers) {
            assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
        }
    }

    private static ByteBuf post(String body) {
        return Unpooled.copiedBuffer("POST /v1/x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "X-Key: k1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, StandardCharsets.US_ASCII);
    }

    @Test
    void manyRequestsShareAFewKeepAliveConnections() throws Exception {
        InetSocketAddress to = server(false, Answers.YES);
        Http1Client client = client(4, Duration.ofSeconds(10));

        List<CompletableFuture<String>> answers = sendAll(client, to, post("{\"n\":12345}"), 200);

        assertEveryAnswer(answers, "202 {\"accepted\":11}");
        assertThat(connections).hasSizeBetween(1, 4);
        assertThat(seen).hasSize(200).allMatch(s -> s.equals("POST /v1/x application/json k1 {\"n\":12345}"));
    }

    @Test
    void requestsOneAfterAnotherRotateOverEveryOpenConnection() throws Exception {
        InetSocketAddress to = server(false, Answers.YES);
        Http1Client client = client(4, Duration.ofSeconds(10));
        for (CompletableFuture<String> a : sendAll(client, to, post("{}"), 4)) {
            a.get(10, TimeUnit.SECONDS);
        }
        assertThat(connections).hasSize(4);
        ports.clear();

        for (int i = 0; i < 8; i++) {
            sendAll(client, to, post("{}"), 1).get(0).get(10, TimeUnit.SECONDS);
        }

        // Each connection twice, in turn: not one connection kept hot while the others idle.
        List<Integer> order = new ArrayList<>(ports);
        assertThat(order).hasSize(8);
        assertThat(order.subList(4, 8)).isEqualTo(order.subList(0, 4));
        assertThat(Set.copyOf(order)).hasSize(4);
    }

    @Test
    void aServerThatClosesAfterEachAnswerIsConnectedToAgain() throws Exception {
        InetSocketAddress to = server(true, Answers.YES);
        Http1Client client = client(2, Duration.ofSeconds(10));

        List<CompletableFuture<String>> answers = sendAll(client, to, post("{}"), 20);

        assertEveryAnswer(answers, "202 {\"accepted\":2}");
        assertThat(connections).hasSize(20);
    }

    @Test
    void aRequestLeftUnansweredFailsAfterTheResponseTimeout() {
        InetSocketAddress to = server(false, Answers.NEVER);
        Http1Client client = client(2, Duration.ofMillis(300));

        CompletableFuture<String> answer = sendAll(client, to, post("{}"), 1).get(0);

        assertFailsWith(answer, Duration.ofSeconds(10), TimeoutException.class);
    }

    @Test
    void aRefusedConnectionFailsItsRequest() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Http1Client client = client(2, Duration.ofSeconds(10));

        CompletableFuture<String> answer = sendAll(client, new InetSocketAddress("127.0.0.1", closedPort), post("{}"), 1)
                .get(0);

        assertFailsWith(answer, Duration.ofSeconds(15), java.net.ConnectException.class);
    }

    @Test
    void preparedRequestsCarryTheWorkloadsHeadersAndBodies() throws Exception {
        InetSocketAddress to = server(false, Answers.YES);
        Workload w = Workload.named("cc-10", Instant.parse("2026-12-02T07:00:00Z"));
        List<ByteBuf> requests = LoadGenerator.prepared(w, "secret-key", "127.0.0.1:" + to.getPort());
        Http1Client client = client(2, Duration.ofSeconds(10));
        try {
            String answer = sendAll(client, to, requests.get(3).retainedDuplicate(), 1).get(0).get(10, TimeUnit.SECONDS);

            String body = new String(w.bodies().get(3), StandardCharsets.UTF_8);
            assertThat(answer).isEqualTo("202 {\"accepted\":" + body.length() + "}");
            assertThat(seen).containsExactly("POST " + w.path() + " application/json null " + body);
        } finally {
            requests.forEach(ByteBuf::release);
        }
    }

    @Test
    void aConnectionClosedBeforeTheAnswerFailsItsRequest() {
        InetSocketAddress to = server(false, Answers.DROP);
        Http1Client client = client(2, Duration.ofSeconds(30));

        CompletableFuture<String> answer = sendAll(client, to, post("{}"), 1).get(0);

        assertFailsWith(answer, Duration.ofSeconds(10), ClosedChannelException.class);
        assertThat(seen).hasSize(1);
    }

    /** The request failed within {@code within}, for {@code cause}. */
    private static void assertFailsWith(CompletableFuture<String> answer, Duration within, Class<? extends Throwable> cause) {
        assertThat(answer).failsWithin(within).withThrowableOfType(ExecutionException.class).withCauseInstanceOf(cause);
    }

}
