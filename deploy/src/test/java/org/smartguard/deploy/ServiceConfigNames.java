package org.smartguard.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The configuration names a service really reads, as environment variables: the keys of its application.properties,
 * the names of its (and security-commons') {@code @ConfigMapping} interfaces, Quarkus' run-time settings of the areas it
 * configures (from the extensions' config model on the class path), and Kafka client settings under {@code kafka.};
 * plus the settings of the image's launcher the manifests use (run-java.sh of the UBI OpenJDK image that
 * Dockerfile.jvm starts from: the heap's share of the memory limit and the GC ratios).
 */
final class ServiceConfigNames {

    /** Quarkus areas every service has (core and HTTP), besides those its application.properties configures. */
    private static final Set<String> QUARKUS_CORE_AREAS = Set.of("quarkus.shutdown", "quarkus.log", "quarkus.http");
    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");
    private static final Set<String> IMAGE_LAUNCHER = Set.of("JAVA_MAX_MEM_RATIO", "GC_TIME_RATIO", "GC_MIN_HEAP_FREE_RATIO",
            "GC_MAX_HEAP_FREE_RATIO");

    private final Set<Pattern> envNames;

    private ServiceConfigNames(Set<Pattern> envNames) {
        this.envNames = envNames;
    }

    boolean reads(String envName) {
        return IMAGE_LAUNCHER.contains(envName) || envNames.stream().anyMatch(p -> p.matcher(envName).matches());
    }

    static ServiceConfigNames of(String service) {
        Set<String> properties = propertyKeys(Rendered.ROOT.resolve(service).resolve("src/main/resources/application.properties"));
        Set<Pattern> names = new HashSet<>();
        properties.forEach(key -> names.add(exact(key)));
        Stream.of(service, "security-commons").forEach(module -> mappingNames(module).forEach(name -> names.add(pattern(name))));
        Set<String> areas = new HashSet<>(QUARKUS_CORE_AREAS);
        properties.stream().filter(k -> k.startsWith("quarkus.")).forEach(k -> areas.add(area(k)));
        QUARKUS_RUNTIME.stream().filter(name -> areas.contains(area(name))).forEach(name -> names.add(pattern(name)));
        if (properties.contains("kafka.bootstrap.servers")) {
            KAFKA_CLIENT.forEach(name -> names.add(exact("kafka." + name)));
        }
        return new ServiceConfigNames(names);
    }

    /** {@code quarkus.datasource.jdbc.url} -> {@code quarkus.datasource}. */
    private static String area(String name) {
        String[] parts = name.split("\\.");
        return parts.length < 2 ? name : parts[0] + "." + parts[1];
    }

    /** SmallRye Config's environment form: every character but letters and digits becomes '_', upper case. */
    static String env(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    private static Pattern exact(String name) {
        return Pattern.compile(Pattern.quote(env(name)));
    }

    /** A name whose {@code *} (a map key) or {@code "placeholder"} segments stand for any key. */
    private static Pattern pattern(String name) {
        StringBuilder regex = new StringBuilder();
        for (String part : name.split("(?=[.])|(?<=[.])")) {
            if (part.equals("*")) {
                regex.append("[A-Z0-9_]+");
            } else if (part.startsWith("\"") && part.endsWith("\"")) {
                regex.append("_[A-Z0-9_]+_");
            } else {
                regex.append(Pattern.quote(env(part)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static Set<String> propertyKeys(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.stringPropertyNames().stream()
                .map(key -> key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key)
                .collect(Collectors.toSet());
    }

    /** The names of every @ConfigMapping interface in a module's main sources, loaded from the test class path. */
    private static Set<String> mappingNames(String module) {
        Path sources = Rendered.ROOT.resolve(module).resolve("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            Set<String> names = new HashSet<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (MAPPING.matcher(Files.readString(file)).find()) {
                    String className = sources.relativize(file).toString().replace('/', '.').replaceAll("\\.java$", "");
                    Class<?> mapping = Class.forName(className);
                    walk(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), names);
                }
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("a @ConfigMapping source has no class on the test class path", e);
        }
    }

    private static void walk(Class<?> group, String prefix, Set<String> names) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() > 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String name = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + Optional.ofNullable(method.getAnnotation(WithName.class)).map(WithName::value)
                            .orElseGet(() -> kebab(method.getName()));
            Type type = unwrap(method.getGenericReturnType());
            if (type instanceof ParameterizedType map && map.getRawType() == Map.class) {
                Type value = unwrap(map.getActualTypeArguments()[1]);
                if (value instanceof Class<?> c && isGroup(c)) {
                    walk(c, name + ".*", names);
                } else {
                    names.add(name + ".*");
                }
            } else if (type instanceof Class<?> c && isGroup(c)) {
                walk(c, name, names);
            } else {
                names.add(name);
            }
        }
    }

    private static Type unwrap(Type type) {
        if (type instanceof ParameterizedType p && (p.getRawType() == Optional.class || p.getRawType() == List.class
                || p.getRawType() == Set.class)) {
            return unwrap(p.getActualTypeArguments()[0]);
        }
        return type == OptionalInt.class ? int.class : type;
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && !type.getName().startsWith("java.");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    /** Quarkus' run-time settings (build-time ones cannot be changed by a ConfigMap) from every extension's model. */
    private static final Set<String> QUARKUS_RUNTIME = quarkusRuntimeNames();

    private static Set<String> quarkusRuntimeNames() {
        ObjectMapper json = new ObjectMapper();
        Set<String> names = new HashSet<>();
        try {
            for (URL model : Collections.list(ServiceConfigNames.class.getClassLoader()
                    .getResources("META-INF/quarkus-config-doc/quarkus-config-model.json"))) {
                try (InputStream in = model.openStream()) {
                    collectRuntime(json.readTree(in), names);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (names.isEmpty()) {
            throw new AssertionError("no Quarkus config model on the test class path");
        }
        return names;
    }

    private static void collectRuntime(JsonNode node, Set<String> names) {
        if (node.isObject() && node.has("phase") && node.has("path")) {
            if ("RUN_TIME".equals(node.path("phase").asText())) {
                names.add(node.at("/path/property").asText());
                node.path("additionalPaths").forEach(p -> names.add(p.path("property").asText()));
            }
            return;
        }
        node.forEach(child -> collectRuntime(child, names));
    }

    /** What the Kafka producer, consumer and admin clients accept (the services hand them every kafka.* setting). */
    private static final Set<String> KAFKA_CLIENT = Stream.of(ProducerConfig.configNames(), ConsumerConfig.configNames(),
            AdminClientConfig.configNames()).flatMap(Set::stream).collect(Collectors.toSet());

}
