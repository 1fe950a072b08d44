package io.github.stalekeys.shrinker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A package laid out as Lambda's (the function's classes at the root, the SDK's jars in {@code lib/}) whose
 * function calls only IAM ListUsers, shrunk; then every class left in the IAM jar is loaded, verified and
 * initialised in a class loader that sees only the shrunk package.
 */
class PackageShrinkerTest {

    private static final String IAM = "software/amazon/awssdk/services/iam/";

    @TempDir
    static Path directory;

    static Path original;
    static Path shrunk;

    @BeforeAll
    static void shrinkAPackage() throws IOException {
        original = directory.resolve("original.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(original))) {
            String function = ListsUsers.class.getName().replace('.', '/') + ".class";
            put(zip, function, resource(function));
            // A resource naming a class, as ServiceLoader files and execution.interceptors do.
            put(zip, "names.txt", (IAM.replace('/', '.') + "model.GetUserRequest\n").getBytes(StandardCharsets.UTF_8));
            for (String jar : sdkJars()) {
                put(zip, "lib/" + Path.of(jar).getFileName(), Files.readAllBytes(Path.of(jar)));
            }
        }
        shrunk = directory.resolve("shrunk.zip");
        Files.copy(original, shrunk);
        PackageShrinker.shrink(shrunk);
    }

    @Test
    void theIamJarKeepsTheOperationCalledAndLosesTheOthers() throws IOException {
        List<String> classes = iamClasses(shrunk);
        assertTrue(classes.contains(IAM + "model/ListUsersRequest.class"), "ListUsers' request");
        assertTrue(classes.contains(IAM + "model/ListUsersResponse.class"), "ListUsers' response");
        assertTrue(classes.contains(IAM + "model/User.class"), "a member of ListUsers' response");
        assertTrue(classes.contains(IAM + "model/NoSuchEntityException.class"), "a modeled error of the service");
        assertTrue(classes.contains(IAM + "model/GetUserRequest.class"), "a class a resource names");
        assertFalse(classes.contains(IAM + "model/CreateUserRequest.class"), "an operation nothing calls");
        assertFalse(classes.contains(IAM + "DefaultIamAsyncClient.class"), "the async client nothing uses");
        assertTrue(
                classes.size() * 5 < iamClasses(original).size(),
                classes.size() + " of " + iamClasses(original).size() + " classes kept");
    }

    @Test
    void everythingOutsideTheServiceJarsIsCopiedUnchanged() throws IOException {
        try (ZipFile before = new ZipFile(original.toFile());
                ZipFile after = new ZipFile(shrunk.toFile())) {
            for (ZipEntry entry : Collections.list(before.entries())) {
                if (entry.getName().contains("/iam-")) {
                    continue;
                }
                try (InputStream a = before.getInputStream(entry);
                        InputStream b = after.getInputStream(after.getEntry(entry.getName()))) {
                    assertArrayEquals(a.readAllBytes(), b.readAllBytes(), entry.getName());
                }
            }
            assertEquals(before.size(), after.size());
        }
    }

    @Test
    void everyClassLeftLoadsVerifiesAndInitialises() throws Exception {
        Path root = directory.resolve("task");
        List<URL> classPath = new ArrayList<>(List.of(root.toUri().toURL()));
        try (ZipFile zip = new ZipFile(shrunk.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                Path file = root.resolve(entry.getName());
                Files.createDirectories(file.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                if (entry.getName().startsWith("lib/")) {
                    classPath.add(file.toUri().toURL());
                }
            }
        }
        try (URLClassLoader loader =
                new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            for (String name : iamClasses(shrunk)) {
                Class.forName(name.replace('/', '.').replace(".class", ""), true, loader);
            }
            Class<?> client = Class.forName(IamClient.class.getName(), false, loader);
            List<String> operations =
                    Arrays.stream(client.getMethods()).map(Method::getName).toList();
            assertTrue(operations.contains("listUsers"), operations.toString());
            assertFalse(operations.contains("createUser"), operations.toString());
            assertFalse(operations.contains("waiter"), operations.toString());
        }
    }

    private static List<String> iamClasses(Path zip) throws IOException {
        try (ZipFile lambdaPackage = new ZipFile(zip.toFile())) {
            ZipEntry iamJar = Collections.list(lambdaPackage.entries()).stream()
                    .filter(entry -> entry.getName().matches("lib/iam-[0-9.]+\\.jar"))
                    .findFirst()
                    .orElseThrow();
            Path jar = Files.createTempFile(directory, "iam", ".jar");
            try (InputStream in = lambdaPackage.getInputStream(iamJar)) {
                Files.copy(in, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            try (ZipFile classes = new ZipFile(jar.toFile())) {
                return Collections.list(classes.entries()).stream()
                        .map(ZipEntry::getName)
                        .filter(name -> name.endsWith(".class"))
                        .toList();
            }
        }
    }

    /** The AWS SDK jars on this test's class path (IAM and what it needs), as a function's lib/ holds them. */
    private static List<String> sdkJars() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))
                .filter(entry -> entry.contains("/software/amazon/")
                        || entry.contains("/org/reactivestreams/")
                        || entry.contains("/org/slf4j/"))
                .toList();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PackageShrinkerTest.class.getClassLoader().getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }
}
