package io.sluice.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small IPv4 MaxMind DB file (format 2.0, 24-bit records) so tests need no downloaded
 * database: networks map to records of strings, maps and lists, as GeoLite2 City lays them out.
 * Written from the published format description, for tests only.
 */
public final class MmdbWriter {

    private static final class Node {
        Object[] children = new Object[2]; // Node, Integer (data offset) or null
    }

    private final Node root = new Node();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds {@code a.b.c.d/prefix} with its record (Map/List/String values). Networks must not overlap. */
    public MmdbWriter network(String ipv4, int prefix, Map<String, Object> record) {
        int offset = data.size();
        encode(record, data);
        String[] parts = ipv4.split("\\.");
        long address = 0;
        for (String p : parts) {
            address = (address << 8) | Integer.parseInt(p);
        }
        Node node = root;
        for (int bit = 0; bit < prefix; bit++) {
            int b = (int) ((address >>> (31 - bit)) & 1);
            if (bit == prefix - 1) {
                node.children[b] = offset;
            } else {
                if (!(node.children[b] instanceof Node)) {
                    node.children[b] = new Node();
                }
                node = (Node) node.children[b];
            }
        }
        return this;
    }

    public void write(Path file) throws IOException {
        List<Node> order = new ArrayList<>();
        Map<Node, Integer> numbers = new IdentityHashMap<>();
        Deque<Node> queue = new ArrayDeque<>(List.of(root));
        while (!queue.isEmpty()) {
            Node n = queue.poll();
            numbers.put(n, order.size());
            order.add(n);
            for (Object c : n.children) {
                if (c instanceof Node child) {
                    queue.add(child);
                }
            }
        }
        int nodeCount = order.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Node n : order) {
            for (Object c : n.children) {
                long record = c instanceof Node child ? numbers.get(child)
                        : c instanceof Integer offset ? nodeCount + 16L + offset : nodeCount;
                out.write((int) (record >>> 16) & 0xFF);
                out.write((int) (record >>> 8) & 0xFF);
                out.write((int) record & 0xFF);
            }
        }
        out.write(new byte[16]);
        out.write(data.toByteArray());
        out.write(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        out.write("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("node_count", new U32(nodeCount));
        metadata.put("record_size", new U16(24));
        metadata.put("ip_version", new U16(4));
        metadata.put("database_type", "Sluice-Test-City");
        metadata.put("languages", List.of("en"));
        metadata.put("binary_format_major_version", new U16(2));
        metadata.put("binary_format_minor_version", new U16(0));
        metadata.put("build_epoch", new U64(1_700_000_000L));
        metadata.put("description", Map.of("en", "Sluice test database"));
        encode(metadata, out);
        Files.write(file, out.toByteArray());
    }

    record U16(int value) {
    }

    record U32(long value) {
    }

    record U64(long value) {
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        switch (value) {
            case String s -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                control(out, 2, b.length);
                out.writeBytes(b);
            }
            case Map<?, ?> m -> {
                control(out, 7, m.size());
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    encode(e.getKey().toString(), out);
                    encode(e.getValue(), out);
                }
            }
            case List<?> l -> {
                control(out, 11, l.size());
                l.forEach(v -> encode(v, out));
            }
            case U16 u -> unsigned(out, 5, u.value(), 2);
            case U32 u -> unsigned(out, 6, u.value(), 4);
            case U64 u -> unsigned(out, 9, u.value(), 8);
            default -> throw new IllegalArgumentException("unsupported " + value.getClass());
        }
    }

    private static void unsigned(ByteArrayOutputStream out, int type, long value, int maxBytes) {
        int n = 0;
        for (long v = value; v != 0 && n < maxBytes; v >>>= 8) {
            n++;
        }
        control(out, type, n);
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    /** Control byte(s): type in the top 3 bits (extended types in a second byte), then the size. */
    private static void control(ByteArrayOutputStream out, int type, int size) {
        int first = (type <= 7 ? type : 0) << 5;
        int sizeBits;
        byte[] extra;
        if (size < 29) {
            sizeBits = size;
            extra = new byte[0];
        } else if (size < 29 + 256) {
            sizeBits = 29;
            extra = new byte[] {(byte) (size - 29)};
        } else {
            sizeBits = 30;
            int s = size - 285;
            extra = new byte[] {(byte) (s >>> 8), (byte) s};
        }
        out.write(first | sizeBits);
        if (type > 7) {
            out.write(type - 7);
        }
        out.writeBytes(extra);
    }
}
