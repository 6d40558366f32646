package io.sluice.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Reads an SSE stream the way an agent would: a plain HTTP client reading lines and assembling
 * {@code id:}/{@code event:}/{@code data:} fields into events at each blank line. No Spring.
 */
public final class SseClient implements AutoCloseable {

    /** One event; {@code id} and {@code event} may be null. */
    public record Event(String id, String event, String data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> comments = new CopyOnWriteArrayList<>();
    private final List<String> retries = new CopyOnWriteArrayList<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile boolean ended;
    private volatile Stream<String> lines;

    private SseClient(CompletableFuture<HttpResponse<Stream<String>>> response) {
        this.response = response;
    }

    public static SseClient connect(int port, String pathAndQuery, String key, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .header("Authorization", "Bearer " + key).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        SseClient client = new SseClient(HttpClient.newHttpClient().sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofLines()));
        Thread reader = new Thread(client::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
        return client;
    }

    private void read() {
        try {
            HttpResponse<Stream<String>> r = response.get(30, TimeUnit.SECONDS);
            lines = r.body();
            String id = null;
            String event = null;
            StringBuilder data = null;
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data != null || event != null) {
                        events.add(new Event(id, event, data == null ? null : data.toString()));
                    }
                    id = null;
                    event = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("retry:")) {
                    retries.add(line.substring(6).trim());
                } else if (line.startsWith("data:")) {
                    data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5));
                }
            }
        } catch (Exception e) {
            // connection closed or failed: the test sees it through ended()
        } finally {
            ended = true;
        }
    }

    public int status() throws Exception {
        return response.get(30, TimeUnit.SECONDS).statusCode();
    }

    /** The next event within the timeout, or null. */
    public Event next(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public List<String> comments() {
        return comments;
    }

    public List<String> retries() {
        return retries;
    }

    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        response.thenAccept(r -> r.body().close());
        Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        response.cancel(true);
    }
}
