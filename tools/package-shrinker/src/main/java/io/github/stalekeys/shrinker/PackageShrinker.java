package io.github.stalekeys.shrinker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Shrinks a Lambda deployment package in place: the AWS SDK service jars in its {@code lib/} keep only the
 * classes the function can load ({@link Reachability}); every other entry is copied unchanged.
 *
 * <p>Usage: {@code java -cp package-shrinker.jar io.github.stalekeys.shrinker.PackageShrinker <package.zip>}.
 * It prints the package's size before and after.
 */
public final class PackageShrinker {

    private PackageShrinker() {}

    /** One zip or jar, read whole, in its entry order. */
    record Archive(Map<String, Entry> entries) {
        record Entry(ZipEntry header, byte[] bytes) {}

        static Archive read(InputStream in) throws IOException {
            Map<String, Entry> entries = new LinkedHashMap<>();
            try (ZipInputStream zip = new ZipInputStream(in)) {
                for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                    entries.put(entry.getName(), new Entry(entry, zip.readAllBytes()));
                }
            }
            return new Archive(entries);
        }

        byte[] write(Map<String, byte[]> replaced, java.util.Set<String> removed) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setLevel(9);
                for (Entry entry : entries.values()) {
                    String name = entry.header().getName();
                    if (removed.contains(name)) {
                        continue;
                    }
                    ZipEntry copy = new ZipEntry(name);
                    copy.setTime(entry.header().getTime());
                    zip.putNextEntry(copy);
                    zip.write(replaced.getOrDefault(name, entry.bytes()));
                    zip.closeEntry();
                }
            }
            return out.toByteArray();
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PackageShrinker <lambda-package.zip>");
            System.exit(2);
        }
        Path zip = Path.of(args[0]);
        System.out.println(shrink(zip));
    }

    /** Shrinks {@code zip} in place; returns what it did in one line. */
    public static String shrink(Path zip) throws IOException {
        Archive lambdaPackage;
        try (InputStream in = Files.newInputStream(zip)) {
            lambdaPackage = Archive.read(in);
        }
        Map<String, Archive> jars = new LinkedHashMap<>();
        Map<String, byte[]> serviceClasses = new LinkedHashMap<>();
        Map<String, String> jarOfServiceClass = new LinkedHashMap<>();
        List<byte[]> rootClasses = new ArrayList<>();
        List<String> rootTexts = new ArrayList<>();
        for (Archive.Entry entry : lambdaPackage.entries().values()) {
            String name = entry.header().getName();
            if (name.startsWith("lib/") && name.endsWith(".jar")) {
                Archive jar = Archive.read(new java.io.ByteArrayInputStream(entry.bytes()));
                jars.put(name, jar);
                for (Archive.Entry inJar : jar.entries().values()) {
                    classify(inJar, name, serviceClasses, jarOfServiceClass, rootClasses, rootTexts);
                }
            } else {
                classify(entry, null, serviceClasses, jarOfServiceClass, rootClasses, rootTexts);
            }
        }
        Reachability reachability = new Reachability(serviceClasses);
        rootClasses.forEach(reachability::rootClass);
        rootTexts.forEach(reachability::rootText);
        Map<String, byte[]> kept = reachability.keptClasses();

        Map<String, byte[]> newJars = new LinkedHashMap<>();
        int removedClasses = 0;
        for (Map.Entry<String, Archive> jar : jars.entrySet()) {
            Map<String, byte[]> replaced = new LinkedHashMap<>();
            java.util.Set<String> removed = new java.util.HashSet<>();
            for (String entryName : jar.getValue().entries().keySet()) {
                String className = className(entryName);
                if (className == null || !jar.getKey().equals(jarOfServiceClass.get(className))) {
                    continue;
                }
                if (kept.containsKey(className)) {
                    replaced.put(entryName, kept.get(className));
                } else {
                    removed.add(entryName);
                }
            }
            if (removed.isEmpty()) {
                continue;
            }
            newJars.put(jar.getKey(), jar.getValue().write(replaced, removed));
            removedClasses += removed.size();
        }
        Path temporary = zip.resolveSibling(zip.getFileName() + ".shrinking");
        Files.write(temporary, lambdaPackage.write(newJars, java.util.Set.of()));
        long before = Files.size(zip);
        Files.move(temporary, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return String.format(
                Locale.ROOT,
                "%s: %,d -> %,d bytes (%s: %,d classes no kept class names removed)",
                zip.getFileName(),
                before,
                Files.size(zip),
                String.join(", ", newJars.keySet()),
                removedClasses);
    }

    private static void classify(
            Archive.Entry entry,
            String jar,
            Map<String, byte[]> serviceClasses,
            Map<String, String> jarOfServiceClass,
            List<byte[]> rootClasses,
            List<String> rootTexts) {
        String name = entry.header().getName();
        if (entry.header().isDirectory()) {
            return;
        }
        String className = className(name);
        if (className == null) {
            // Resources may name classes (ServiceLoader files, execution.interceptors): read them as text.
            rootTexts.add(new String(entry.bytes(), StandardCharsets.ISO_8859_1));
        } else if (jar != null && Reachability.isServiceClass(className) && !serviceClasses.containsKey(className)) {
            serviceClasses.put(className, entry.bytes());
            jarOfServiceClass.put(className, jar);
        } else {
            rootClasses.add(entry.bytes());
        }
    }

    /** The internal class name of a {@code .class} entry outside {@code META-INF/}; null for anything else. */
    private static String className(String entryName) {
        if (!entryName.endsWith(".class")
                || entryName.startsWith("META-INF/")
                || entryName.endsWith("module-info.class")) {
            return null;
        }
        return entryName.substring(0, entryName.length() - ".class".length());
    }
}
