package dev.spawn.bench.agent;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The calls handed from the runner to its workers: one line per call, tab-separated
 * URL-encoded fields {@code index tool executable args...}.
 */
public final class CallFile {
    private CallFile() {
    }

    /** A call bound to the absolute executable that runs it. */
    public record Entry(CallSpec call, Path executable) {
    }

    public static void write(Path file, List<CallSpec> calls, Map<String, ResolvedTool> tools) throws IOException {
        List<String> lines = new ArrayList<>(calls.size());
        for (CallSpec call : calls) {
            ResolvedTool tool = tools.get(call.tool().command());
            if (tool == null) {
                throw new IllegalArgumentException("call " + call.describe() + " uses a tool that was not resolved");
            }
            lines.add(encode(call, tool.path()));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    public static List<Entry> read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                entries.add(decode(line));
            }
        }
        return entries;
    }

    static String encode(CallSpec call, Path executable) {
        StringBuilder line = new StringBuilder().append(call.index()).append('\t').append(call.tool().label())
                .append('\t').append(field(executable.toString()));
        for (String arg : call.args()) {
            line.append('\t').append(field(arg));
        }
        return line.toString();
    }

    static Entry decode(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length < 3) {
            throw new IllegalArgumentException("call line has fewer than 3 fields: " + line);
        }
        List<String> args = new ArrayList<>();
        for (int i = 3; i < fields.length; i++) {
            args.add(URLDecoder.decode(fields[i], StandardCharsets.UTF_8));
        }
        CallSpec call = new CallSpec(Integer.parseInt(fields[0]), Tool.ofLabel(fields[1]), args);
        return new Entry(call, Path.of(URLDecoder.decode(fields[2], StandardCharsets.UTF_8)));
    }

    private static String field(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
