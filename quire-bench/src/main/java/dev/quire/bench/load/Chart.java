package dev.quire.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Renders the PNG charts of docs/BENCHMARKS.md from the load generator's JSON lines ({@code kind
 * {json}} as {@code LoadGen --out} writes them), so every chart is made from the figures of the
 * run it shows. A line chart plots {@code --y} against {@code --x}, one series per value of
 * {@code --series} (Quire, the reference); a bar chart shows {@code --y} per {@code --category}
 * (one bar group per field when several --y are given). Find-max runs write one {@code step}
 * line per step: {@code --kind step} charts them.
 */
@Command(name = "chart", mixinStandardHelpOptions = true, description = "Renders a PNG chart from load generator results.")
public final class Chart implements Callable<Integer> {
  @Option(names = "--in", required = true, split = ",", description = "files of 'kind {json}' lines")
  List<Path> in;

  @Option(names = "--kind", defaultValue = "result", description = "which lines: result, step or interval")
  String kind;

  @Option(names = "--type", defaultValue = "line", description = "line or bar")
  String type;

  @Option(names = "--x", defaultValue = "authors", description = "line: the x field")
  String x;

  @Option(names = "--y", required = true, split = ",", description = "the y field(s)")
  List<String> y;

  @Option(names = "--series", defaultValue = "label", description = "line: the field naming a series")
  String series;

  @Option(names = "--category", defaultValue = "label", description = "bar: the field naming a bar")
  String category;

  @Option(names = "--scale", defaultValue = "1", description = "multiplies every y value (e.g. 0.001 for bytes -> KB)")
  double scale;

  @Option(names = "--threshold", description = "a horizontal line at this y (a goal or limit)")
  Double threshold;

  @Option(names = "--title", defaultValue = "")
  String title;

  @Option(names = "--x-label", defaultValue = "")
  String xLabel;

  @Option(names = "--y-label", defaultValue = "")
  String yLabel;

  @Option(names = "--out", required = true)
  Path out;

  @Option(names = "--width", defaultValue = "900")
  int width;

  @Option(names = "--height", defaultValue = "500")
  int height;

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new Chart()).execute(args));
  }

  @Override
  public Integer call() throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<JsonNode> rows = read();
    if (rows.isEmpty()) {
      System.err.println("chart: no '" + kind + "' lines in " + in);
      return 1;
    }
    JFreeChart chart = "bar".equals(type) ? bar(rows) : line(rows);
    chart.setBackgroundPaint(Color.WHITE);
    org.jfree.chart.axis.ValueAxis range;
    if (chart.getPlot() instanceof org.jfree.chart.plot.XYPlot p) {
      p.setBackgroundPaint(Color.WHITE);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
      p.setDomainGridlinePaint(Color.LIGHT_GRAY);
      ((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) p.getRenderer()).setDefaultShapesVisible(true);
      range = p.getRangeAxis();
    } else {
      org.jfree.chart.plot.CategoryPlot p = (org.jfree.chart.plot.CategoryPlot) chart.getPlot();
      p.setBackgroundPaint(Color.WHITE);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
      range = p.getRangeAxis();
    }
    if (threshold != null) {
      ValueMarker marker = new ValueMarker(threshold, Color.RED, new BasicStroke(1.5f));
      marker.setLabel("goal / limit " + threshold);
      marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
      marker.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
      if (chart.getPlot() instanceof org.jfree.chart.plot.XYPlot p) {
        p.addRangeMarker(marker);
      } else {
        ((org.jfree.chart.plot.CategoryPlot) chart.getPlot()).addRangeMarker(marker);
      }
      // The goal stays in view even when every figure is far below it.
      if (range.getUpperBound() < threshold * 1.1) {
        range.setUpperBound(threshold * 1.1);
      }
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(out.toFile(), chart, width, height);
    System.out.println("chart: wrote " + out + " (" + rows.size() + " " + kind + " lines)");
    return 0;
  }

  /** The lines of the chosen kind; for "step", also the steps inside find-max results. */
  private List<JsonNode> read() throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    for (Path p : in) {
      for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
        int space = line.indexOf(' ');
        if (space < 0) {
          continue;
        }
        String k = line.substring(0, space);
        JsonNode node = Frame.JSON.readTree(line.substring(space + 1));
        if (k.equals(kind)) {
          rows.add(node);
        }
      }
    }
    return rows;
  }

  private JFreeChart line(List<JsonNode> rows) {
    Map<String, List<XYSeries>> bySeries = new LinkedHashMap<>();
    XYSeriesCollection data = new XYSeriesCollection();
    for (JsonNode r : rows) {
      String name = r.path(series).asText("?");
      List<XYSeries> s = bySeries.computeIfAbsent(name, n -> {
        List<XYSeries> made = new ArrayList<>();
        for (String field : y) {
          XYSeries xy = new XYSeries(y.size() == 1 ? n : n + " " + field, true, true);
          made.add(xy);
          data.addSeries(xy);
        }
        return made;
      });
      for (int i = 0; i < y.size(); i++) {
        JsonNode v = r.get(y.get(i));
        if (v != null && v.isNumber() && r.path(x).isNumber()) {
          s.get(i).addOrUpdate(r.get(x).asDouble(), v.asDouble() * scale);
        }
      }
    }
    return ChartFactory.createXYLineChart(title, xLabel.isEmpty() ? x : xLabel, yLabel.isEmpty() ? String.join(", ", y) : yLabel,
        data, PlotOrientation.VERTICAL, true, false, false);
  }

  private JFreeChart bar(List<JsonNode> rows) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (JsonNode r : rows) {
      for (String field : y) {
        JsonNode v = r.get(field);
        if (v != null && v.isNumber()) {
          data.addValue(v.asDouble() * scale, field, r.path(category).asText("?"));
        }
      }
    }
    return ChartFactory.createBarChart(title, category, yLabel.isEmpty() ? String.join(", ", y) : yLabel, data,
        PlotOrientation.VERTICAL, y.size() > 1, false, false);
  }
}
