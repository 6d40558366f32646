package io.sluice.gateway.ingest.schema;

/** Syntax checks for IP address literals, with no name lookups (safe on the event loop). */
public final class IpAddresses {

    private IpAddresses() {
    }

    public static boolean isValid(String s) {
        return s.indexOf(':') >= 0 ? isV6(s) : isV4(s);
    }

    public static boolean isV4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    public static boolean isV6(String s) {
        if (s.length() > 45) {
            return false;
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String head = doubleColon >= 0 ? s.substring(0, doubleColon) : s;
        String tail = doubleColon >= 0 ? s.substring(doubleColon + 2) : "";
        String joined = doubleColon < 0 ? s
                : head.isEmpty() ? tail : tail.isEmpty() ? head : head + ":" + tail;
        String[] all = joined.isEmpty() ? new String[0] : joined.split(":", -1);
        int groups = 0;
        for (int i = 0; i < all.length; i++) {
            String g = all[i];
            if (i == all.length - 1 && g.indexOf('.') >= 0) {
                if (!isV4(g)) {
                    return false;
                }
                groups += 2;
                continue;
            }
            if (g.isEmpty() || g.length() > 4) {
                return false;
            }
            for (int c = 0; c < g.length(); c++) {
                if (Character.digit(g.charAt(c), 16) < 0) {
                    return false;
                }
            }
            groups++;
        }
        return doubleColon >= 0 ? groups < 8 : groups == 8;
    }
}
