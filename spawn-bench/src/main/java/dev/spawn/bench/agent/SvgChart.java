package dev.spawn.bench.agent;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A grouped bar chart of calls/s: one group per split, one bar per backend at the median of its
 * rounds, a whisker over the rounds' min-max, and under each value the median of its per-round
 * ratios to the C reference (or of its deltas against ProcessBuilder without one). A cell whose
 * calls did not all match the reference is hatched red and marked FAIL, as the text report marks
 * it: its rate is not a result. Hand-written SVG.
 */
public final class SvgChart {
    private static final int WIDTH = 860;
    private static final int HEIGHT = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 64;
    private static final int BOTTOM = 74;
    private static final String FAIL_RED = "#c00000";
    private static final String FAIL_HATCH = "fail-hatch";

    private SvgChart() {
    }

    public static String render(BenchReport report) {
        List<Split> splits = report.options().splits();
        List<Engine> backends = report.options().backends();
        Optional<Engine> c = report.cReference();
        double max = report.rows().stream().mapToDouble(r -> r.result().callsPerSecond()).max().orElse(1);
        double scale = niceCeiling(max);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        double groupWidth = (double) plotWidth / splits.size();
        double barWidth = groupWidth * 0.84 / backends.size();
        int rounds = report.options().repeat();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        if (!report.verified()) {
            svg.append(String.format(Locale.ROOT, "<defs><pattern id=\"%s\" width=\"6\" height=\"6\" "
                    + "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" "
                    + "x2=\"0\" y2=\"6\" stroke=\"%s\" stroke-width=\"2\"/></pattern></defs>%n", FAIL_HATCH,
                    FAIL_RED));
        }
        svg.append(text(WIDTH / 2.0, 22, "middle", 15, escape((report.complete() ? "" : "INCOMPLETE (a run failed;"
                + " see the text report) ") + report.options().preset().command() + ": calls/s by split ("
                + report.options().calls() + " calls, " + (rounds > 1 ? "median of " + rounds + " rounds, whiskers"
                        + " min-max, " : "") + "higher is better)")));
        svg.append(text(WIDTH / 2.0, 40, "middle", 11, escape(report.host().cpu() + ", " + report.host().cores()
                + " cores, " + report.host().kernel() + ", " + report.host().jdk())));
        String caption = "under each bar's value: " + (rounds > 1 ? "the median of its per-round " : "its ");
        svg.append(text(WIDTH / 2.0, 55, "middle", 10, escape(c.map(ref -> caption + (rounds > 1 ? "ratios" : "ratio")
                + " to " + ref.label() + " (the C reference driver, no JVM)").orElse(caption + (rounds > 1 ? "deltas"
                        : "delta") + " against processbuilder"))));
        for (int tick = 0; tick <= 5; tick++) {
            double value = scale * tick / 5;
            double y = TOP + plotHeight - plotHeight * tick / 5.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, WIDTH - RIGHT, y));
            svg.append(text(LEFT - 6, y + 4, "end", 11, String.format(Locale.ROOT, "%.0f", value)));
        }
        for (int s = 0; s < splits.size(); s++) {
            Split split = splits.get(s);
            double groupX = LEFT + s * groupWidth + groupWidth * 0.08;
            for (int b = 0; b < backends.size(); b++) {
                Engine backend = backends.get(b);
                double x = groupX + b * barWidth;
                report.callsPerSecond(split, backend).ifPresent(spread -> {
                    double h = plotHeight * spread.median() / scale;
                    double y = TOP + plotHeight - h;
                    double mid = x + (barWidth - 2) / 2;
                    boolean failed = !report.verified(split, backend);
                    svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            + "fill=\"%s\"><title>%s %s: %s calls/s%s</title></rect>%n", x, y, barWidth - 2, h,
                            color(backend), split, backend.label(), spread.render("%.1f"),
                            failed ? ", FAILED the result check" : ""));
                    if (failed) {
                        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                                + "height=\"%.1f\" fill=\"url(#%s)\" stroke=\"%s\" stroke-width=\"1.5\"/>%n", x, y,
                                barWidth - 2, h, FAIL_HATCH, FAIL_RED));
                    }
                    double top = y;
                    if (spread.count() > 1) {
                        double yMin = TOP + plotHeight - plotHeight * spread.min() / scale;
                        double yMax = TOP + plotHeight - plotHeight * spread.max() / scale;
                        svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" "
                                + "stroke=\"black\" fill=\"none\"/>%n", mid, yMin, yMax, mid - 4, yMin, mid + 4,
                                mid - 4, yMax, mid + 4));
                        top = Math.min(y, yMax);
                    }
                    String note = c.isPresent()
                            ? (backend == c.get() ? "C" : report.roundRatios(split, backend, c.get())
                                    .map(r -> String.format(Locale.ROOT, "%.2f", r.median())).orElse(""))
                            : (backend == Engine.PROCESS_BUILDER ? ""
                                    : BenchReport.percent(report.deltaVsProcessBuilder(split, backend)));
                    svg.append(text(mid, top - 16, "middle", 10, String.format(Locale.ROOT,
                            spread.median() < 100 ? "%.1f" : "%.0f", spread.median())));
                    svg.append(text(mid, top - 5, "middle", 9, escape(note)));
                    if (failed) {
                        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                                + "font-size=\"10\" font-weight=\"bold\" fill=\"%s\">FAIL</text>%n", mid, top - 27,
                                FAIL_RED));
                    }
                });
            }
            svg.append(text(LEFT + (s + 0.5) * groupWidth, TOP + plotHeight + 18, "middle", 12, split.toString()));
        }
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
                LEFT, TOP + plotHeight, WIDTH - RIGHT, TOP + plotHeight));
        double legendX = LEFT;
        for (Engine backend : backends) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    legendX, HEIGHT - 26, color(backend)));
            svg.append(text(legendX + 18, HEIGHT - 16, "start", 12, backend.label()));
            legendX += 120;
        }
        svg.append(text(WIDTH - RIGHT, HEIGHT - 16, "end", 11, "split = worker processes x calls in flight each"));
        if (!report.verified()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" font-size=\"11\" "
                    + "fill=\"%s\">hatched, FAIL: some calls' results differed from the reference run</text>%n",
                    WIDTH - RIGHT, HEIGHT - 34, FAIL_RED));
        }
        return svg.append("</svg>\n").toString();
    }

    private static String color(Engine backend) {
        switch (backend) {
            case PROCESS_BUILDER:
                return "#8c8c8c";
            case USERSPACE:
                return "#2b7bba";
            case KERNEL:
                return "#e6550d";
            case C:
                return "#31a354";
            case C_KERNEL:
                return "#fdae6b";
            default:
                return "#a1d99b";
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
