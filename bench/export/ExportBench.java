import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Bulk Data Group export, measured the way a client sees it: the kick-off, status polls every POLL_MS until the
 * manifest (the export's time: resources written per second), then every file downloaded and counted line by line
 * (the download's time). Prints "resources export_seconds download_seconds files" on stdout.
 * Usage: java ExportBench.java FHIR_BASE TOKEN_FILE GROUP_ID POLL_MS
 */
public class ExportBench {

    private static final Pattern OUTPUT = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"count\"\\s*:\\s*(\\d+)");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String token = Files.readString(Path.of(args[1])).trim();
        String group = args[2];
        long pollMillis = Long.parseLong(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        long start = System.nanoTime();
        HttpResponse<String> kickOff = http.send(HttpRequest.newBuilder(URI.create(base + "/Group/" + group + "/$export"))
                .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").header("Prefer", "respond-async")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (kickOff.statusCode() != 202) {
            throw new IllegalStateException("kick-off answered " + kickOff.statusCode() + ": " + kickOff.body());
        }
        String status = kickOff.headers().firstValue("Content-Location").orElseThrow();
        String manifest;
        while (true) {
            HttpResponse<String> poll = http.send(HttpRequest.newBuilder(URI.create(local(base, status)))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (poll.statusCode() == 200) {
                manifest = poll.body();
                break;
            }
            if (poll.statusCode() != 202) {
                throw new IllegalStateException("status answered " + poll.statusCode() + ": " + poll.body());
            }
            Thread.sleep(pollMillis);
        }
        double exportSeconds = (System.nanoTime() - start) / 1e9;

        List<String[]> files = new ArrayList<>();
        Matcher output = OUTPUT.matcher(manifest);
        while (output.find()) {
            files.add(new String[] { output.group(1), output.group(2) });
        }
        long resources = 0;
        long downloadStart = System.nanoTime();
        for (String[] file : files) {
            long lines = countLines(http, local(base, file[0]), token);
            if (lines != Long.parseLong(file[1])) {
                throw new IllegalStateException(file[0] + " has " + lines + " lines, the manifest says " + file[1]);
            }
            resources += lines;
        }
        double downloadSeconds = (System.nanoTime() - downloadStart) / 1e9;
        System.out.printf(Locale.ROOT, "%d %.3f %.3f %d%n", resources, exportSeconds, downloadSeconds, files.size());
    }

    /** The manifest's URLs are under the public base (the gateway); the benchmark talks to the service directly. */
    private static String local(String base, String url) {
        return base + url.substring(url.indexOf("/fhir/") + "/fhir".length());
    }

    private static long countLines(HttpClient http, String url, String token) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+ndjson").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = response.body()) {
            for (int read; (read = in.read(buffer)) > 0;) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }
}
