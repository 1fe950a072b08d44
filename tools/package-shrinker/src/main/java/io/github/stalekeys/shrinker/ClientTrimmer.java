package io.github.stalekeys.shrinker;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * An SDK service client ({@code IamClient}, {@code DefaultIamClient}) without the operations nothing calls: those
 * methods name every request, response and marshaller of the service, so while they stay, every model class
 * stays reachable. An operation is a method whose descriptor names the service's model, paginators or waiters,
 * or a lambda body; it is kept when any kept class refers to its name and descriptor. The rest of the class
 * file is copied as it is (stack maps included), the constant pool rebuilt from what remains.
 */
final class ClientTrimmer {

    private ClientTrimmer() {}

    /** True for a method that belongs to one operation of the service under {@code servicePackage}. */
    static boolean isOperation(String servicePackage, String name, String descriptor) {
        if (name.startsWith("lambda$")) {
            return true;
        }
        if (name.startsWith("<")) {
            return false;
        }
        for (String part : new String[] {"model/", "paginators/", "waiters/"}) {
            if (descriptor.contains("L" + servicePackage + part)) {
                return true;
            }
        }
        return false;
    }

    static byte[] trim(byte[] classFile, String servicePackage, Set<String> usedMethods) {
        // Pass 1 without InnerClasses: which classes the remaining members name. Pass 2 lists only those of its
        // nested-class entries (the JVM requires one for each nested class the pool names, and no more is needed).
        byte[] withoutInnerClasses = write(classFile, servicePackage, usedMethods, null);
        Set<String> named = new HashSet<>();
        for (String text : ConstantPool.of(withoutInnerClasses).texts()) {
            Matcher names = Reachability.CLASS_NAME.matcher(text);
            while (names.find()) {
                named.add(names.group().replace('.', '/'));
            }
            named.add(text);
        }
        return write(classFile, servicePackage, usedMethods, named);
    }

    private static byte[] write(byte[] classFile, String servicePackage, Set<String> usedMethods, Set<String> named) {
        ClassReader reader = new ClassReader(classFile);
        String self = reader.getClassName();
        ClassWriter writer = new ClassWriter(0);
        reader.accept(
                new ClassVisitor(Opcodes.ASM9, writer) {
                    @Override
                    public MethodVisitor visitMethod(
                            int access, String name, String descriptor, String signature, String[] exceptions) {
                        if (isOperation(servicePackage, name, descriptor) && !usedMethods.contains(name + descriptor)) {
                            return null;
                        }
                        return super.visitMethod(access, name, descriptor, signature, exceptions);
                    }

                    @Override
                    public void visitInnerClass(String name, String outerName, String innerName, int access) {
                        if (named != null && (named.contains(name) || self.equals(name) || self.equals(outerName))) {
                            super.visitInnerClass(name, outerName, innerName, access);
                        }
                    }
                },
                0);
        return writer.toByteArray();
    }
}
