package bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads the measures file that bench/run appends to (tab-separated: id, name, value, unit, baseline,
 * goal) and prints the table and writes the results JSON. A goal is one or more comma-separated
 * conditions {@code value>=N}, {@code value<=N}, {@code ratio>=N}, {@code ratio<=N}; ratio is
 * value / baseline. An empty or non-numeric value means the measure could not be taken: it is
 * reported as not met and the exit code is 3.
 */
final class Report {
    static void run(Main.Args args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(args.str("in")), StandardCharsets.UTF_8);
        JsonArray results = new JsonArray();
        boolean missing = false;
        StringBuilder table = new StringBuilder();
        String format = "%-10s %16s %16s %8s  %-36s %-4s  %s%n";
        table.append(String.format(Locale.ROOT, format, "id", "value", "baseline", "ratio", "goal", "met?", "measure"));
        for (String line : lines) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", -1);
            String id = f[0], name = f[1], unit = f[3], goal = f[5];
            Double value = number(f[2]), baseline = number(f[4]);
            Double ratio = value != null && baseline != null && baseline != 0 ? Main.round(value / baseline) : null;
            boolean met = value != null && meets(goal, value, ratio);
            missing |= value == null;
            results.add(new JsonObject().put("id", id).put("name", name).put("value", value).put("unit", unit)
                    .put("baseline", baseline).put("ratio", ratio).put("goal", goalText(goal, unit)).put("met", met));
            table.append(String.format(Locale.ROOT, format, id,
                    value == null ? "MISSING" : fmt(value) + " " + unit,
                    baseline == null ? "-" : fmt(baseline) + " " + unit,
                    ratio == null ? "-" : fmt(ratio) + "x", goalText(goal, unit), met ? "yes" : "NO", name));
        }
        System.out.print(table);
        Files.writeString(Path.of(args.str("out")), results.encodePrettily() + "\n", StandardCharsets.UTF_8);
        System.exit(missing ? 3 : 0);
    }

    private static Double number(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            return Double.isFinite(d) ? Main.round(d) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean meets(String goal, double value, Double ratio) {
        for (String cond : goal.split(",")) {
            cond = cond.trim();
            if (cond.isEmpty()) continue;
            boolean onRatio = cond.startsWith("ratio");
            Double actual = onRatio ? ratio : Double.valueOf(value);
            String op = cond.substring(5, 7); // "value" and "ratio" are both 5 letters
            double limit = Double.parseDouble(cond.substring(7));
            if (actual == null) return false;
            if (op.equals(">=") ? actual < limit : actual > limit) return false;
        }
        return true;
    }

    private static String goalText(String goal, String unit) {
        StringBuilder sb = new StringBuilder();
        for (String cond : goal.split(",")) {
            cond = cond.trim();
            if (cond.isEmpty()) continue;
            if (sb.length() > 0) sb.append(" and ");
            String op = cond.substring(5, 7).equals(">=") ? ">= " : "<= ";
            String limit = cond.substring(7);
            sb.append(cond.startsWith("ratio") ? "ratio " + op + limit + "x" : op + limit + " " + unit);
        }
        return sb.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e12 ? String.valueOf((long) d) : String.valueOf(d);
    }

    private Report() { }
}
