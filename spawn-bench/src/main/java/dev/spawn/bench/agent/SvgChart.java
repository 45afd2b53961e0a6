package dev.spawn.bench.agent;

import dev.spawn.Backend;
import java.util.List;
import java.util.Locale;

/** A grouped bar chart of calls/s: one group per split, one bar per backend. Hand-written SVG. */
public final class SvgChart {
    private static final String[] COLORS = {"#8c8c8c", "#2b7bba", "#e6550d"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private SvgChart() {
    }

    public static String render(BenchReport report) {
        List<Split> splits = report.options().splits();
        List<Backend> backends = report.options().backends();
        double max = report.rows().stream().mapToDouble(r -> r.result().callsPerSecond()).max().orElse(1);
        double scale = niceCeiling(max);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double groupWidth = (double) plotWidth / splits.size();
        double barWidth = groupWidth * 0.8 / backends.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(text(WIDTH / 2.0, 22, "middle", 15, escape(report.options().preset().command() + ": calls/s by split ("
                + report.options().calls() + " calls, higher is better)")));
        svg.append(text(WIDTH / 2.0, 40, "middle", 11, escape(report.host().cpu() + ", " + report.host().cores()
                + " cores, " + report.host().kernel() + ", " + report.host().jdk())));
        for (int tick = 0; tick <= 5; tick++) {
            double value = scale * tick / 5;
            double y = TOP + plotHeight - plotHeight * tick / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, WIDTH - RIGHT, y));
            svg.append(text(LEFT - 6, y + 4, "end", 11, String.format(Locale.ROOT, "%.0f", value)));
        }
        for (int s = 0; s < splits.size(); s++) {
            double groupX = LEFT + s * groupWidth + groupWidth * 0.1;
            for (int b = 0; b < backends.size(); b++) {
                int backendIndex = b;
                int splitIndex = s;
                report.row(splits.get(s), backends.get(b)).ifPresent(row -> {
                    double value = row.result().callsPerSecond();
                    double h = plotHeight * value / scale;
                    double x = groupX + backendIndex * barWidth;
                    double y = TOP + plotHeight - h;
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s %s: %.1f calls/s</title></rect>%n", x, y, barWidth - 2, h,
                            color(backends.get(backendIndex)), splits.get(splitIndex),
                            backends.get(backendIndex).propertyName(), value));
                    String label = String.format(Locale.ROOT, "%.0f", value);
                    String delta = BenchReport.percent(report.deltaVsProcessBuilder(row));
                    svg.append(text(x + (barWidth - 2) / 2, y - 16, "middle", 11, label));
                    if (row.result().backend() != Backend.PROCESS_BUILDER && !delta.equals("-")) {
                        svg.append(text(x + (barWidth - 2) / 2, y - 4, "middle", 10, delta));
                    }
                });
            }
            svg.append(text(LEFT + (s + 0.5) * groupWidth, TOP + plotHeight + 18, "middle", 12, splits.get(s)
                    .toString()));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, TOP + plotHeight, WIDTH - RIGHT, TOP + plotHeight));
        double legendX = LEFT;
        for (Backend backend : backends) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    legendX, HEIGHT - 26, color(backend)));
            svg.append(text(legendX + 18, HEIGHT - 16, "start", 12, backend.propertyName()));
            legendX += 150;
        }
        svg.append(text(WIDTH - RIGHT, HEIGHT - 16, "end", 11, "split = worker JVMs x calls in flight each"));
        return svg.append("</svg>\n").toString();
    }

    private static String color(Backend backend) {
        switch (backend) {
            case PROCESS_BUILDER:
                return COLORS[0];
            case USERSPACE:
                return COLORS[1];
            default:
                return COLORS[2];
        }
    }

    private static String text(double x, double y, String anchor, int size, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, content);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * power >= value * 1.12) {
                return step * power;
            }
        }
        return 10 * power * 2;
    }
}
