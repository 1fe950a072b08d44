package io.github.stalekeys.shrinker;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a class file's constant pool names: every UTF-8 constant (class names, descriptors, signatures, strings)
 * and every method it refers to. The JVM resolves, verifies and reflects only through these, so a class no kept
 * pool names can never be loaded through a kept class.
 */
record ConstantPool(List<String> texts, List<String> methods) {

    private static final int UTF8 = 1;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;

    static ConstantPool of(byte[] classFile) {
        if (classFile.length < 10 || u4(classFile, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(classFile, 8);
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        int[] tags = new int[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            int tag = classFile[at] & 0xFF;
            tags[i] = tag;
            switch (tag) {
                case UTF8 -> {
                    int length = u2(classFile, at + 1);
                    utf8[i] = modifiedUtf8(classFile, at + 1, length + 2);
                    at += 3 + length;
                }
                case 3, 4 -> at += 5; // int, float
                case 5, 6 -> { // long, double take two slots
                    at += 9;
                    i++;
                }
                case 7, 8, 16, 19, 20 -> at += 3; // class, string, method type, module, package
                case 9, METHOD_REF, INTERFACE_METHOD_REF, NAME_AND_TYPE, 17, 18 -> {
                    first[i] = u2(classFile, at + 1);
                    second[i] = u2(classFile, at + 3);
                    at += 5;
                }
                case 15 -> at += 4; // method handle: its reference is a member ref entry, read above
                default -> throw new IllegalArgumentException("unknown constant pool tag " + tag + " at " + at);
            }
        }
        List<String> texts = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == UTF8) {
                texts.add(utf8[i]);
            } else if (tags[i] == METHOD_REF || tags[i] == INTERFACE_METHOD_REF) {
                int nameAndType = second[i];
                methods.add(utf8[first[nameAndType]] + utf8[second[nameAndType]]);
            }
        }
        return new ConstantPool(texts, methods);
    }

    private static String modifiedUtf8(byte[] bytes, int offset, int length) {
        try {
            return new DataInputStream(new ByteArrayInputStream(bytes, offset, length)).readUTF();
        } catch (IOException e) {
            throw new UncheckedIOException("malformed UTF-8 constant", e);
        }
    }

    private static int u2(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static int u4(byte[] bytes, int at) {
        return (u2(bytes, at) << 16) | u2(bytes, at + 2);
    }
}
