import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.ds.PGSimpleDataSource;
import org.smartguard.audit.access.AuditCaller;
import org.smartguard.audit.access.AuditRole;
import org.smartguard.audit.integrity.ChainVerifier;
import org.smartguard.audit.integrity.IntegrityReport;
import org.smartguard.audit.search.AuditEventCriteria;
import org.smartguard.audit.search.AuditEventQuery;
import org.smartguard.commons.jwt.ValidatedToken;

/**
 * The search benchmark's plans: {@code SearchPlans JDBC_URL PLANS_FILE QUERY...}. Each QUERY is the query string of a
 * {@code GET /audit/AuditEvent} (security staff, {@code _sort=-date}, a page of 50), turned into SQL by the service's
 * own {@link AuditEventCriteria} and {@link AuditEventQuery}, and run under {@code EXPLAIN (ANALYZE, BUFFERS)} as the
 * service's role, after one unmeasured run that warms the cache. The plans go to PLANS_FILE; one line per query goes
 * to standard output: the query, rows returned, execution time (ms), and the plan's first node types. First, the
 * store's integrity is verified as {@code GET /audit/integrity} would, without and with the search keys, and timed
 * (the first line of PLANS_FILE).
 */
public class SearchPlans {

    private static final int PAGE = 50;
    private static final Pattern ROWS = Pattern.compile("actual time=\\S+ rows=(\\d+)");
    private static final Pattern TIME = Pattern.compile("^Execution Time: ([\\d.]+) ms");
    private static final Pattern NODE = Pattern.compile("^(?:->)?\\s*([A-Z][A-Za-z ]+?)(?: using \\S+)?(?: on (\\S+?)(?:_\\d{4}_\\d{2})?\\b.*|  \\(.*)$");

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource reader = new PGSimpleDataSource();
        reader.setUrl(args[0]);
        reader.setUser("audit_writer");
        reader.setPassword("audit_writer");
        AuditCaller staff = new AuditCaller(new ValidatedToken("bench", "bench", "bench", "system/AuditEvent.rs", null, null,
                null, Instant.now().plusSeconds(3600)), AuditRole.SECURITY_STAFF);
        long start = System.nanoTime();
        IntegrityReport chains = new ChainVerifier(reader).verify(false);
        long chainsDone = System.nanoTime();
        IntegrityReport withKeys = new ChainVerifier(reader).verify(true);
        StringBuilder plans = new StringBuilder(String.format(Locale.ROOT,
                "Integrity of %d events: %s in %.1f s; with their search keys: %s in %.1f s%n%n", chains.eventCount(),
                chains.status(), (chainsDone - start) / 1e9, withKeys.status(), (System.nanoTime() - chainsDone) / 1e9));
        System.err.print(plans);
        try (Connection connection = reader.getConnection()) {
            for (int i = 2; i < args.length; i++) {
                AuditEventQuery query = AuditEventQuery.page(AuditEventCriteria.of(parameters(args[i]), staff), true, null, PAGE + 1);
                explain(connection, query);
                List<String> plan = explain(connection, query);
                plans.append("## ").append(args[i]).append("\n\n").append(query.sql()).append("\n").append(query.values())
                        .append("\n\n").append(String.join("\n", plan)).append("\n\n");
                Matcher rows = ROWS.matcher(plan.get(0));
                String time = "?";
                java.util.Set<String> nodes = new java.util.LinkedHashSet<>();
                for (String line : plan) {
                    Matcher t = TIME.matcher(line.trim());
                    time = t.find() ? t.group(1) : time;
                    Matcher node = NODE.matcher(line.trim());
                    if (node.matches() && nodes.size() < 6) {
                        nodes.add(node.group(1) + (node.group(2) == null ? "" : " " + node.group(2)));
                    }
                }
                System.out.printf("%s\t%s\t%s\t%s%n", args[i], rows.find() ? rows.group(1) : "?", time, String.join(" > ", nodes));
            }
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(args[1]), plans);
    }

    private static List<String> explain(Connection connection, AuditEventQuery query) throws Exception {
        List<String> plan = new ArrayList<>();
        try (PreparedStatement explain = connection.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + query.sql())) {
            query.bind(explain);
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
        }
        return plan;
    }

    private static Map<String, List<String>> parameters(String queryString) {
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        for (String pair : queryString.split("&")) {
            int eq = pair.indexOf('=');
            parameters.computeIfAbsent(pair.substring(0, eq), name -> new ArrayList<>())
                    .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
