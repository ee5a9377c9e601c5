package org.smartguard.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** What operators of the suite rely on beyond the objects themselves: the runbook and the images' registry. */
class OperationsTest {

    @Test
    void everyAlertHasARunbookEntryInTheReadme() throws IOException {
        String readme = Files.readString(Rendered.ROOT.resolve("README.md"));
        String runbook = readme.substring(readme.indexOf("### Runbook"));
        Rendered.overlay("production").named("PrometheusRule", "smart-guard").at("/spec/groups").forEach(group ->
                group.path("rules").forEach(rule -> {
                    String alert = rule.path("alert").asText();
                    assertTrue(runbook.contains("`" + alert + "`"), "no runbook entry for alert " + alert);
                }));
    }

    @Test
    void everyServiceImageComesFromTheRegistryThePomNames() throws IOException {
        Matcher registry = Pattern.compile("<smartguard\\.image\\.registry>([^<]+)</smartguard\\.image\\.registry>")
                .matcher(Files.readString(Rendered.ROOT.resolve("pom.xml")));
        assertTrue(registry.find(), "the parent pom names no smartguard.image.registry");
        Rendered.all().forEach(rendered -> Rendered.SERVICES.forEach(service -> {
            String image = rendered.named("Deployment", service).at("/spec/template/spec/containers/0/image").asText();
            assertTrue(image.startsWith(registry.group(1) + "/" + service + ":"), rendered.overlay + ": " + image);
        }));
    }
}
