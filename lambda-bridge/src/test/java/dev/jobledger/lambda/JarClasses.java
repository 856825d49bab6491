package dev.jobledger.lambda;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes of a jar and the classes each names, read from the class files: the classes of its constant pool, the
 * types in its descriptors and signatures, string constants that spell a class name (what code that loads a class by
 * name holds), and its supertypes. Names are internal ({@code a/b/C$D}). Classes of a multi-release jar's versions up
 * to 17 add what they name to the class they replace.
 */
final class JarClasses {

    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/(\\d+)/(.+)\\.class");
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([\\w/$]+);");
    private static final Pattern DOTTED_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+");

    /** A class file: its supertypes (superclass, interfaces) and every other class it names. */
    record ClassFile(Set<String> supertypes, Set<String> named) {}

    /** A class the walk needs that the jar does not have, and the class that named it. */
    record Missing(String name, String namedBy) {}

    private final Map<String, ClassFile> classes = new HashMap<>();
    private final Map<String, List<String>> services = new HashMap<>();

    private JarClasses() {}

    static JarClasses read(Path jar) {
        JarClasses read = new JarClasses();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : java.util.Collections.list(file.entries())) {
                String name = entry.getName();
                Matcher versioned = VERSIONED.matcher(name);
                if (versioned.matches() && Integer.parseInt(versioned.group(1)) <= 17) {
                    read.add(file.getInputStream(entry).readAllBytes());
                } else if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                    String text = new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                    read.services.put(
                            name.substring("META-INF/services/".length()),
                            text.lines()
                                    .map(line -> line.replaceFirst("#.*", "").trim())
                                    .filter(line -> !line.isEmpty())
                                    .map(line -> line.replace('.', '/'))
                                    .toList());
                } else if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                    read.add(file.getInputStream(entry).readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return read;
    }

    Set<String> names() {
        return classes.keySet();
    }

    boolean contains(String name) {
        return classes.containsKey(name);
    }

    /** The class file of {@code name}, or null when the jar lacks it. */
    ClassFile classFile(String name) {
        return classes.get(name);
    }

    /** The providers {@code META-INF/services} lists, by service. */
    Map<String, List<String>> serviceProviders() {
        return services;
    }

    /** How {@link #missing} treats the classes a class names. */
    interface Rules {

        /** Whether {@code from} only names {@code to}, never runs what uses it (say, a client's other operations). */
        boolean namesOnly(String from, String to);

        /** Of the classes only named, those the JVM loads all the same, to verify the class that names them. */
        boolean loadedToVerify(String name);

        /** Classes that are loaded but never run (say, only tested with instanceof): only their supertypes follow. */
        boolean loadedOnly(String name);

        /** Whether a class the jar lacks was in its dependencies: else it is an optional part, and code copes without. */
        boolean dropped(String name);
    }

    /**
     * The classes the jar lacks that its code can need, walking from the roots: a class's supertypes and the classes
     * it names are needed, and followed, as {@link Rules} says.
     */
    List<Missing> missing(Set<String> roots, Rules rules) {
        record Step(String name, String namedBy, boolean follow) {}
        Deque<Step> steps = new ArrayDeque<>();
        roots.forEach(root -> steps.add(new Step(root, "(root)", true)));
        Set<String> followed = new HashSet<>();
        Set<String> loaded = new HashSet<>();
        Set<String> absent = new HashSet<>();
        List<Missing> missing = new ArrayList<>();
        while (!steps.isEmpty()) {
            Step step = steps.pop();
            if (followed.contains(step.name()) || (!step.follow() && !loaded.add(step.name()))) {
                continue;
            }
            ClassFile file = classes.get(step.name());
            if (file == null) {
                if (absent.add(step.name()) && rules.dropped(step.name())) {
                    missing.add(new Missing(step.name(), step.namedBy()));
                }
                continue;
            }
            file.supertypes().forEach(type -> steps.push(new Step(type, step.name(), step.follow())));
            if (!step.follow()) {
                continue;
            }
            followed.add(step.name());
            for (String named : file.named()) {
                if (rules.namesOnly(step.name(), named)) {
                    if (rules.loadedToVerify(named)) {
                        steps.push(new Step(named, step.name(), false));
                    }
                } else {
                    steps.push(new Step(named, step.name(), !rules.loadedOnly(named)));
                }
            }
        }
        return missing;
    }

    private void add(byte[] bytes) {
        try {
            parse(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void parse(byte[] bytes) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        if (in.readInt() != 0xCAFEBABE) {
            return;
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        List<Integer> classIndexes = new ArrayList<>();
        List<Integer> stringIndexes = new ArrayList<>();
        int[] classNameIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> {
                    classNameIndex[i] = in.readUnsignedShort();
                    classIndexes.add(classNameIndex[i]);
                }
                case 8 -> stringIndexes.add(in.readUnsignedShort());
                case 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        in.readUnsignedShort();
        String name = utf8[classNameIndex[in.readUnsignedShort()]];
        Set<String> supertypes = new LinkedHashSet<>();
        int superclass = in.readUnsignedShort();
        if (superclass != 0) {
            supertypes.add(utf8[classNameIndex[superclass]]);
        }
        int interfaces = in.readUnsignedShort();
        for (int i = 0; i < interfaces; i++) {
            supertypes.add(utf8[classNameIndex[in.readUnsignedShort()]]);
        }

        Set<String> named = new HashSet<>();
        for (int index : classIndexes) {
            String type = utf8[index];
            if (type.startsWith("[")) {
                addDescriptorTypes(type, named);
            } else {
                named.add(type);
            }
        }
        for (String text : utf8) {
            if (text != null && text.indexOf(';') > 0) {
                addDescriptorTypes(text, named);
            }
        }
        for (int index : stringIndexes) {
            if (DOTTED_NAME.matcher(utf8[index]).matches()) {
                named.add(utf8[index].replace('.', '/'));
            }
        }
        named.remove(name);
        named.removeAll(supertypes);
        ClassFile earlier = classes.get(name);
        if (earlier != null) {
            supertypes.addAll(earlier.supertypes());
            named.addAll(earlier.named());
        }
        classes.put(name, new ClassFile(supertypes, named));
    }

    private static void addDescriptorTypes(String text, Set<String> named) {
        Matcher type = DESCRIPTOR_TYPE.matcher(text);
        while (type.find()) {
            named.add(type.group(1));
        }
    }
}
