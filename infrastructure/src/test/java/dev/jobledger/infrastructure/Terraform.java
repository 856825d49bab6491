package dev.jobledger.infrastructure;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Terraform sources of {@code infrastructure/}, parsed with hcl4j.
 *
 * <p>hcl4j evaluates expressions while it parses (a reference such as {@code var.x} becomes null or a symbol), so
 * the parsed maps are used for structure and literal values, and the raw text of a block (found by its header and
 * matching braces) is used where a rule is about an expression.
 */
final class Terraform {

    private static final String ROOT_PROPERTY = "infrastructure.root";
    private static Terraform instance;

    private final Path root;
    private final List<Configuration> configurations;

    private Terraform(Path root) {
        this.root = root;
        this.configurations = loadConfigurations(root);
    }

    static synchronized Terraform sources() {
        if (instance == null) {
            instance = new Terraform(locateRoot());
        }
        return instance;
    }

    Path root() {
        return root;
    }

    List<Configuration> configurations() {
        return configurations;
    }

    List<Configuration> modules() {
        return configurations.stream().filter(Configuration::isModule).toList();
    }

    List<Configuration> environments() {
        return configurations.stream().filter(c -> !c.isModule()).toList();
    }

    Configuration module(String name) {
        return configuration("modules/" + name);
    }

    Configuration environment(String name) {
        return configuration("environments/" + name);
    }

    private Configuration configuration(String relative) {
        Path dir = root.resolve(relative);
        return configurations.stream()
                .filter(c -> c.dir().equals(dir))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No Terraform configuration at " + dir));
    }

    List<Block> allBlocks(String kind, String type) {
        return configurations.stream()
                .flatMap(c -> c.blocks(kind, type).stream())
                .toList();
    }

    List<TfFile> allFiles() {
        return configurations.stream().flatMap(c -> c.files().stream()).toList();
    }

    private static Path locateRoot() {
        String configured = System.getProperty(ROOT_PROPERTY, System.getenv("INFRASTRUCTURE_ROOT"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path cwd = Path.of("").toAbsolutePath().normalize();
        for (Path candidate : List.of(cwd, cwd.resolve("infrastructure"))) {
            if (Files.isDirectory(candidate.resolve("modules"))
                    && Files.isDirectory(candidate.resolve("environments"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("Cannot find infrastructure/ from " + cwd + "; set -D" + ROOT_PROPERTY);
    }

    private static List<Configuration> loadConfigurations(Path root) {
        List<Configuration> result = new ArrayList<>();
        for (String group : List.of("modules", "environments")) {
            try (Stream<Path> dirs = Files.list(root.resolve(group))) {
                dirs.filter(Files::isDirectory)
                        .sorted()
                        .forEach(dir -> result.add(new Configuration(dir, group.equals("modules"), loadFiles(dir))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return List.copyOf(result);
    }

    private static List<TfFile> loadFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tf"))
                    .sorted(Comparator.comparing(Path::toString))
                    .map(Terraform::parse)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TfFile parse(Path file) {
        try {
            String source = Files.readString(file, StandardCharsets.UTF_8);
            Map<String, Object> parsed = new HCLParser().parse(source);
            return new TfFile(file, source, parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new AssertionError("hcl4j cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Model
    // ------------------------------------------------------------------------------------------

    record TfFile(Path path, String source, Map<String, Object> parsed) {}

    /** A labelled block: kind "resource"/"data" have a type; "variable", "output", "module" have none. */
    record Block(
            Configuration configuration, TfFile file, String kind, String type, String name, Map<String, Object> body) {

        /** Raw text of the block, from its header to its closing brace. */
        String source() {
            String header = type == null
                    ? kind + "\\s+\"" + Pattern.quote(name) + "\""
                    : kind + "\\s+\"" + Pattern.quote(type) + "\"\\s+\"" + Pattern.quote(name) + "\"";
            return rawBlock(file.source(), "(?m)^\\s*" + header + "\\s*\\{")
                    .orElseThrow(() -> new AssertionError("No raw block for " + this));
        }

        String address() {
            String local = type == null ? kind + "." + name : ("data".equals(kind) ? "data." : "") + type + "." + name;
            return configuration.root().relativize(configuration.dir()) + ": " + local;
        }

        @Override
        public String toString() {
            return address();
        }
    }

    record Configuration(Path dir, boolean isModule, List<TfFile> files) {

        Path root() {
            return dir.getParent().getParent();
        }

        String name() {
            return dir.getFileName().toString();
        }

        String source() {
            StringBuilder all = new StringBuilder();
            files.forEach(f -> all.append(f.source()).append('\n'));
            return all.toString();
        }

        boolean hasFile(String fileName) {
            return Files.isRegularFile(dir.resolve(fileName));
        }

        List<Block> variables() {
            return unlabelledTyped("variable");
        }

        List<Block> outputs() {
            return unlabelledTyped("output");
        }

        List<Block> moduleCalls() {
            return unlabelledTyped("module");
        }

        Optional<Block> variable(String name) {
            return variables().stream().filter(b -> b.name().equals(name)).findFirst();
        }

        List<Block> resources(String type) {
            return blocks("resource", type);
        }

        Block resource(String type, String name) {
            return resources(type).stream()
                    .filter(b -> b.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("No resource " + type + "." + name + " in " + dir));
        }

        List<Block> data(String type) {
            return blocks("data", type);
        }

        List<Block> allResources() {
            List<Block> result = new ArrayList<>();
            for (TfFile file : files) {
                for (Map.Entry<String, Object> type :
                        maps(file.parsed().get("resource")).entrySet()) {
                    for (Map.Entry<String, Object> named : maps(type.getValue()).entrySet()) {
                        result.add(new Block(
                                this, file, "resource", type.getKey(), named.getKey(), map(named.getValue())));
                    }
                }
            }
            return result;
        }

        /** Map of the locals of all files (values as hcl4j evaluated them). */
        Map<String, Object> locals() {
            Map<String, Object> result = new LinkedHashMap<>();
            for (TfFile file : files) {
                for (Map<String, Object> locals : Terraform.blocks(file.parsed().get("locals"))) {
                    result.putAll(locals);
                }
            }
            return result;
        }

        /** The single terraform {} settings block. */
        Map<String, Object> terraformSettings() {
            return files.stream()
                    .map(f -> f.parsed().get("terraform"))
                    .filter(o -> o != null)
                    .findFirst()
                    .map(Terraform::map)
                    .orElseThrow(() -> new AssertionError("No terraform block in " + dir));
        }

        List<Block> blocks(String kind, String type) {
            List<Block> result = new ArrayList<>();
            for (TfFile file : files) {
                Map<String, Object> ofType = maps(maps(file.parsed().get(kind)).get(type));
                for (Map.Entry<String, Object> named : ofType.entrySet()) {
                    result.add(new Block(this, file, kind, type, named.getKey(), map(named.getValue())));
                }
            }
            return result;
        }

        private List<Block> unlabelledTyped(String kind) {
            List<Block> result = new ArrayList<>();
            for (TfFile file : files) {
                for (Map.Entry<String, Object> named :
                        maps(file.parsed().get(kind)).entrySet()) {
                    result.add(new Block(this, file, kind, null, named.getKey(), map(named.getValue())));
                }
            }
            return result;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers on hcl4j's maps
    // ------------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new AssertionError("Expected a block but found " + value);
    }

    private static Map<String, Object> maps(Object value) {
        return value == null ? Map.of() : map(value);
    }

    /** Nested blocks of one name: hcl4j gives a map for one block and a list for repeated blocks. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> blocks(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map<?, ?> m) {
            return List.of((Map<String, Object>) m);
        }
        if (value instanceof List<?> list) {
            List<Map<String, Object>> result = new ArrayList<>();
            for (Object element : list) {
                result.addAll(blocks(element));
            }
            return result;
        }
        throw new AssertionError("Expected nested blocks but found " + value);
    }

    /** Nested blocks of one name, static and the content of dynamic blocks of that name. */
    static List<Map<String, Object>> blocksIncludingDynamic(Map<String, Object> body, String name) {
        List<Map<String, Object>> result = new ArrayList<>(blocks(body.get(name)));
        for (Map<String, Object> dynamic : blocks(body.get("dynamic"))) {
            for (Map<String, Object> generator : blocks(dynamic.get(name))) {
                result.addAll(blocks(generator.get("content")));
            }
        }
        return result;
    }

    /** String elements of a list attribute (non-string elements are references hcl4j could not resolve). */
    static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            return list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return List.of();
    }

    static Optional<String> rawBlock(String source, String headerRegex) {
        Matcher matcher = Pattern.compile(headerRegex).matcher(source);
        if (!matcher.find()) {
            return Optional.empty();
        }
        int depth = 0;
        for (int i = matcher.end() - 1; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    return Optional.of(source.substring(matcher.start(), i + 1));
                }
            }
        }
        throw new AssertionError("Unbalanced braces after " + headerRegex);
    }

    /** Raw text of the first nested block with the given header (e.g. {@code precondition}) inside a block's text. */
    static List<String> rawNestedBlocks(String blockSource, String header) {
        List<String> result = new ArrayList<>();
        Matcher matcher = Pattern.compile("(?m)^\\s*" + header + "\\s*\\{").matcher(blockSource);
        int from = 0;
        while (matcher.find(from)) {
            String nested = rawBlock(blockSource.substring(matcher.start()), "^\\s*" + header + "\\s*\\{")
                    .orElseThrow();
            result.add(nested);
            from = matcher.start() + nested.length();
        }
        return result;
    }

    /** Collapses runs of whitespace so that expression checks do not depend on alignment. */
    static String squash(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
