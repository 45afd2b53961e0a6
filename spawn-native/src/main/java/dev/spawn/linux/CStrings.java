package dev.spawn.linux;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Strings as the shim takes them: NUL-terminated UTF-8, packed back to back. */
final class CStrings {
    private CStrings() {
    }

    static byte[] of(String value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] terminated = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, terminated, 0, bytes.length);
        return terminated;
    }

    static byte[] pack(List<String> values) {
        byte[][] encoded = new byte[values.size()][];
        int total = 0;
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
            total += encoded[i].length + 1;
        }
        byte[] packed = new byte[Math.max(total, 1)];
        int at = 0;
        for (byte[] value : encoded) {
            System.arraycopy(value, 0, packed, at, value.length);
            at += value.length + 1;
        }
        return packed;
    }

    static byte[] packEnvironment(Map<String, String> environment) {
        return pack(environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
