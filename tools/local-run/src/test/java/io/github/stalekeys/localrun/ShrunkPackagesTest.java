package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * What {@code tools/package-shrinker} leaves of each SDK service jar in a deployment package: every error type
 * the service can answer. The client maps an error code to its exception class, and the functions catch those
 * classes ({@code NoSuchEntityException}, {@code CredentialReportNotReadyException}...): a class dropped would
 * turn an expected, handled error into a failed invocation, on Lambda only, since the emulator tests run the
 * unshrunk classes.
 */
@Tag("package")
class ShrunkPackagesTest {

    @ParameterizedTest
    @ValueSource(strings = {"rule-evaluator", "remediation"})
    void everyErrorTypeOfEveryServiceSurvivesTheShrinking(String module) throws Exception {
        Path zip = Path.of(module, "target", module + "-lambda.zip");
        assertTrue(Files.isRegularFile(zip), "build the package first (mvn package): " + zip);
        Map<String, Set<String>> shrunk = serviceJars(zip);
        assertFalse(shrunk.isEmpty(), "no SDK service jar in " + zip);
        Map<String, List<String>> missing = new TreeMap<>();
        for (Map.Entry<String, Set<String>> jar : shrunk.entrySet()) {
            Path original = onClassPath(jar.getKey());
            List<String> errorTypes = errorTypes(original);
            assertFalse(errorTypes.isEmpty(), "no error type found in " + original);
            List<String> gone = errorTypes.stream()
                    .filter(name -> !jar.getValue().contains(name))
                    .toList();
            if (!gone.isEmpty()) {
                missing.put(jar.getKey(), gone);
            }
        }
        assertEquals(Map.of(), missing, "error types the shrinker dropped from " + zip);
    }

    /** The class entries of each {@code lib/<service>-<version>.jar} that holds {@code services/} classes. */
    private static Map<String, Set<String>> serviceJars(Path zip) throws IOException {
        Map<String, Set<String>> jars = new TreeMap<>();
        try (ZipInputStream entries = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                if (!entry.getName().startsWith("lib/") || !entry.getName().endsWith(".jar")) {
                    continue;
                }
                Set<String> classes = classesOf(new ByteArrayInputStream(entries.readAllBytes()));
                if (classes.stream().anyMatch(name -> name.startsWith("software/amazon/awssdk/services/"))) {
                    jars.put(entry.getName().substring("lib/".length()), classes);
                }
            }
        }
        return jars;
    }

    private static Set<String> classesOf(InputStream jar) throws IOException {
        Set<String> classes = new TreeSet<>();
        try (ZipInputStream entries = new ZipInputStream(jar)) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                if (entry.getName().endsWith(".class")) {
                    classes.add(entry.getName());
                }
            }
        }
        return classes;
    }

    /** The same jar, unshrunk, as this test's class path holds it. */
    private static Path onClassPath(String fileName) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (path.getFileName() != null && path.getFileName().toString().equals(fileName)) {
                return path;
            }
        }
        throw new AssertionError(fileName + " is in the package but not on the test class path");
    }

    /** Every class of the jar that is an AwsServiceException: the types the client answers errors with. */
    private static List<String> errorTypes(Path jar) throws IOException, ClassNotFoundException {
        List<String> errorTypes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (var entries = file.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith("Exception.class") || name.contains("$")) {
                    continue;
                }
                Class<?> type = Class.forName(
                        name.substring(0, name.length() - ".class".length()).replace('/', '.'),
                        false,
                        ShrunkPackagesTest.class.getClassLoader());
                if (AwsServiceException.class.isAssignableFrom(type)) {
                    errorTypes.add(name);
                }
            }
        }
        return errorTypes;
    }
}
