package dev.spawn.bench.agent;

import java.util.List;
import java.util.Locale;

/** The median and the range of a few measurements of one figure (the rounds of a cell). */
public record Spread(double median, double min, double max, int count) {

    /**
     * @throws IllegalArgumentException for no values
     */
    public static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], n);
    }

    /** Half the range relative to the median, in percent: how noisy the cell was. */
    public double halfRangePercent() {
        return median == 0 ? 0 : (max - min) / 2 / median * 100;
    }

    /** {@code 812.3 [790-840]} with {@code format} for each number; just the median for one value. */
    public String render(String format) {
        String mid = String.format(Locale.ROOT, format, median);
        if (count == 1) {
            return mid;
        }
        return mid + " [" + String.format(Locale.ROOT, format, min) + "-" + String.format(Locale.ROOT, format, max)
                + "]";
    }

    @Override
    public String toString() {
        return render("%.1f") + " (" + count + ")";
    }
}
