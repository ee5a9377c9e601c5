import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Turns one benchmark run's rows into what the README shows: a Markdown table (with the machine and the command that
 * reproduces it), requested ratios, and two PNG charts drawn here with java.awt (throughput, and p50/p90/p99 latency
 * per target), so the charts need nothing beyond the JDK.
 *
 * Rows (TSV, one per target, in run order): name, requests/s, p50 ms, p90 ms, p99 ms, errors.
 * Usage: java BenchReport.java ROWS.tsv OUT_DIR NAME "Title" "command" [A/B ...]
 *   writes OUT_DIR/NAME.md, OUT_DIR/NAME-throughput.png, OUT_DIR/NAME-latency.png; A/B prints the ratio of A's
 *   throughput to B's and of their p50 latencies.
 * Or: java BenchReport.java --series SERIES.tsv OUT.png "Title" "unit"
 *   a line chart of samples over time (the soak's RSS); SERIES.tsv lines: minute, series name, value.
 */
public class BenchReport {

    record Row(String name, double rps, double p50, double p90, double p99, long errors) {
    }

    private static final Color[] SERIES = { new Color(0x4C78A8), new Color(0xF58518), new Color(0xE45756) };

    public static void main(String[] args) throws IOException {
        if (args[0].equals("--series")) {
            ImageIO.write(seriesChart(args[3], args[4], readSeries(Path.of(args[1]))), "png", Path.of(args[2]).toFile());
            return;
        }
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            rows.add(new Row(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Long.parseLong(f[5])));
        }
        Path out = Path.of(args[1]);
        String name = args[2];
        String title = args[3];
        String command = args[4];
        Files.createDirectories(out);

        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append(String.format(Locale.ROOT, "%s; %d cores, %d GB memory, Java %s; command `%s`%n%n", Instant.now(),
                Runtime.getRuntime().availableProcessors(), physicalMemoryGb(), System.getProperty("java.version"), command));
        md.append("| target | requests/s | p50 (ms) | p90 (ms) | p99 (ms) | errors |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.2f | %d |%n", row.name(), row.rps(), row.p50(),
                    row.p90(), row.p99(), row.errors()));
        }
        if (args.length > 5) {
            md.append("\n| ratio | throughput | p50 latency |\n| --- | ---: | ---: |\n");
            for (int i = 5; i < args.length; i++) {
                String[] pair = args[i].split("/");
                Row a = find(rows, pair[0]);
                Row b = find(rows, pair[1]);
                md.append(String.format(Locale.ROOT, "| %s / %s | %.2f | %.2f |%n", a.name(), b.name(), a.rps() / b.rps(), a.p50() / b.p50()));
            }
        }
        md.append(String.format("%n![throughput](%s-throughput.png) ![latency](%s-latency.png)%n", name, name));
        Files.writeString(out.resolve(name + ".md"), md);
        ImageIO.write(throughputChart(title, rows), "png", out.resolve(name + "-throughput.png").toFile());
        ImageIO.write(latencyChart(title, rows), "png", out.resolve(name + "-latency.png").toFile());
        System.out.print(md);
    }

    private static Row find(List<Row> rows, String name) {
        return rows.stream().filter(row -> row.name().startsWith(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no target named " + name));
    }

    private static long physicalMemoryGb() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return -1;
    }

    /** Horizontal bars, one per target, labelled with requests/s. */
    static BufferedImage throughputChart(String title, List<Row> rows) {
        int labelWidth = 300;
        int width = 900;
        int barHeight = 34;
        int top = 50;
        int height = top + rows.size() * (barHeight + 14) + 30;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title + ": throughput (requests/s, higher is better)");
        double max = rows.stream().mapToDouble(Row::rps).max().orElse(1);
        int plot = width - labelWidth - 110;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            int y = top + i * (barHeight + 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(row.name(), 12, y + barHeight / 2 + 5);
            int length = (int) Math.max(1, plot * row.rps() / max);
            g.setColor(SERIES[0]);
            g.fillRect(labelWidth, y, length, barHeight);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%,.0f", row.rps()), labelWidth + length + 8, y + barHeight / 2 + 5);
        }
        g.dispose();
        return image;
    }

    /** Grouped vertical bars per target: p50, p90, p99 in milliseconds. */
    static BufferedImage latencyChart(String title, List<Row> rows) {
        int width = Math.max(900, 120 + rows.size() * 170);
        int height = 480;
        int left = 70;
        int bottom = height - 90;
        int top = 60;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title + ": latency (ms, lower is better)");
        double max = rows.stream().mapToDouble(Row::p99).max().orElse(1) * 1.1;
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1));
        for (int tick = 0; tick <= 4; tick++) {
            int y = bottom - (bottom - top) * tick / 4;
            g.drawLine(left, y, width - 20, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.1f", max * tick / 4), 8, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        int group = (width - left - 20) / rows.size();
        int bar = Math.min(40, (group - 30) / 3);
        String[] labels = { "p50", "p90", "p99" };
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            double[] values = { row.p50(), row.p90(), row.p99() };
            int x0 = left + i * group + (group - 3 * bar) / 2;
            for (int s = 0; s < 3; s++) {
                int h = (int) Math.max(1, (bottom - top) * values[s] / max);
                g.setColor(SERIES[s]);
                g.fillRect(x0 + s * bar, bottom - h, bar - 4, h);
            }
            g.setColor(Color.DARK_GRAY);
            String name = row.name().length() > 26 ? row.name().substring(0, 25) + "…" : row.name();
            g.drawString(name, left + i * group + 6, bottom + 20);
        }
        for (int s = 0; s < 3; s++) {
            g.setColor(SERIES[s]);
            g.fillRect(left + s * 90, height - 40, 14, 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(labels[s], left + s * 90 + 20, height - 28);
        }
        g.dispose();
        return image;
    }

    /** Samples by series name, in file order: each a list of {minute, value}. */
    static Map<String, List<double[]>> readSeries(Path file) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                String[] f = line.split("\t");
                series.computeIfAbsent(f[1], k -> new ArrayList<>()).add(new double[] { Double.parseDouble(f[0]), Double.parseDouble(f[2]) });
            }
        }
        return series;
    }

    /** One line per series over minutes, the y axis from zero (so that "flat" looks flat, not magnified). */
    static BufferedImage seriesChart(String title, String unit, Map<String, List<double[]>> series) {
        int width = 900;
        int height = 480;
        int left = 70;
        int right = width - 50;
        int top = 60;
        int bottom = height - 90;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(image, title + " (" + unit + ")");
        double maxX = Math.max(1e-9, series.values().stream().flatMap(List::stream).mapToDouble(p -> p[0]).max().orElse(1));
        double maxY = Math.max(1e-9, series.values().stream().flatMap(List::stream).mapToDouble(p -> p[1]).max().orElse(1) * 1.1);
        for (int tick = 0; tick <= 4; tick++) {
            int y = bottom - (bottom - top) * tick / 4;
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%.0f", maxY * tick / 4), 8, y + 4);
            int x = left + (right - left) * tick / 4;
            g.drawString(String.format(Locale.ROOT, "%.1f min", maxX * tick / 4), x - 20, bottom + 20);
        }
        Color[] colors = { SERIES[0], SERIES[1], SERIES[2], new Color(0x54A24B), new Color(0xB279A2) };
        int index = 0;
        g.setStroke(new BasicStroke(2.5f));
        for (var entry : series.entrySet()) {
            Color color = colors[index % colors.length];
            g.setColor(color);
            int[] xs = entry.getValue().stream().mapToInt(p -> left + (int) ((right - left) * p[0] / maxX)).toArray();
            int[] ys = entry.getValue().stream().mapToInt(p -> bottom - (int) ((bottom - top) * p[1] / maxY)).toArray();
            g.drawPolyline(xs, ys, xs.length);
            for (int i = 0; i < xs.length; i++) {
                g.fillOval(xs[i] - 3, ys[i] - 3, 7, 7);
            }
            g.fillRect(left + index * 200, height - 40, 14, 14);
            g.setColor(Color.DARK_GRAY);
            g.drawString(entry.getKey(), left + index * 200 + 20, height - 28);
            index++;
        }
        g.dispose();
        return image;
    }

    private static Graphics2D canvas(BufferedImage image, String title) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, 12, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        return g;
    }
}
