package io.github.stalekeys.shrinker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * Which SDK service classes a package can load. Everything outside the services' packages (the function, the SDK
 * core, Jackson, resources) is a root and stays whole. From the roots: a service class is kept when a kept class
 * file or resource names it anywhere (class reference, descriptor, signature, string such as the names the SDK
 * loads reflectively or lists in {@code execution.interceptors}); the service clients are kept with the operations
 * some kept class refers to ({@link ClientTrimmer}). Repeated until nothing more is named: a least fixpoint.
 */
final class Reachability {

    static final String SERVICES = "software/amazon/awssdk/services/";
    static final Pattern CLASS_NAME = Pattern.compile("software[/.]amazon[/.]awssdk[/.]services[/.][A-Za-z0-9_$/.]+");
    private static final String AWS_CLIENT = "software/amazon/awssdk/awscore/AwsClient";

    private final Map<String, byte[]> serviceClasses;
    private final Set<String> clients = new HashSet<>();
    private final Set<String> kept = new HashSet<>();
    private final Deque<String> pending = new ArrayDeque<>();
    private final Set<String> usedMethods = new HashSet<>();
    private final Map<String, byte[]> trimmed = new HashMap<>();

    /** @param serviceClasses the class files under {@value #SERVICES}, by internal name */
    Reachability(Map<String, byte[]> serviceClasses) {
        this.serviceClasses = serviceClasses;
        Set<String> clientInterfaces = new HashSet<>();
        serviceClasses.forEach((name, bytes) -> {
            ClassReader reader = new ClassReader(bytes);
            if ((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0
                    && Set.of(reader.getInterfaces()).contains(AWS_CLIENT)) {
                clientInterfaces.add(name);
            }
        });
        serviceClasses.forEach((name, bytes) -> {
            for (String implemented : new ClassReader(bytes).getInterfaces()) {
                if (clientInterfaces.contains(implemented)) {
                    clients.add(name);
                }
            }
        });
        clients.addAll(clientInterfaces);
    }

    static boolean isServiceClass(String internalName) {
        return internalName.startsWith(SERVICES);
    }

    /** A class that always stays: what it names is reachable. */
    void rootClass(byte[] classFile) {
        scan(classFile);
    }

    /** A resource (service files, interceptor lists, configuration): the class names in it are reachable. */
    void rootText(String text) {
        names(text);
    }

    /** Kept service classes, the clients trimmed, by internal name. */
    Map<String, byte[]> keptClasses() {
        boolean changed = true;
        while (changed) {
            while (!pending.isEmpty()) {
                String next = pending.pop();
                if (!clients.contains(next)) {
                    scan(serviceClasses.get(next));
                }
            }
            changed = false;
            for (String client :
                    kept.stream().filter(clients::contains).sorted().toList()) {
                byte[] bytes = ClientTrimmer.trim(serviceClasses.get(client), servicePackage(client), usedMethods);
                trimmed.put(client, bytes);
                int methodsBefore = usedMethods.size();
                int keptBefore = kept.size();
                scan(bytes);
                changed |= usedMethods.size() != methodsBefore || kept.size() != keptBefore;
            }
        }
        Map<String, byte[]> result = new HashMap<>();
        for (String name : kept) {
            result.put(name, trimmed.getOrDefault(name, serviceClasses.get(name)));
        }
        return result;
    }

    /** {@code software/amazon/awssdk/services/iam/} for {@code software/amazon/awssdk/services/iam/IamClient}. */
    static String servicePackage(String internalName) {
        int end = internalName.indexOf('/', SERVICES.length());
        return internalName.substring(0, end + 1);
    }

    private void scan(byte[] classFile) {
        ConstantPool pool = ConstantPool.of(classFile);
        usedMethods.addAll(pool.methods());
        pool.texts().forEach(this::names);
    }

    private void names(String text) {
        Matcher matcher = CLASS_NAME.matcher(text);
        while (matcher.find()) {
            String name = matcher.group().replace('.', '/');
            // "…/model/User.class", "…Foo;" or a dotted name followed by a member: try each shorter prefix too.
            for (String candidate = name; candidate.length() > SERVICES.length(); ) {
                if (serviceClasses.containsKey(candidate) && kept.add(candidate)) {
                    pending.push(candidate);
                }
                int cut = candidate.lastIndexOf('/');
                if (cut < 0) {
                    break;
                }
                candidate = candidate.substring(0, cut);
            }
        }
    }
}
