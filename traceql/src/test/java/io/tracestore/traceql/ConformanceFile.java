package io.tracestore.traceql;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Grafana Tempo's TraceQL conformance examples (AGPL test data kept outside this repository,
 * read at test time only) from {@code ../../shared/conformance/} relative to the module directory
 * or from the system property {@code tracestore.conformance}. Shared with other modules' tests
 * through the traceql test-jar; never packaged into a library artifact.
 */
public final class ConformanceFile {
  private static final String DEFAULT_PATH = "../../shared/conformance/tempo-traceql-test_examples.yaml";

  private ConformanceFile() {}

  /** The queries by category ({@code valid}, {@code parse_fails}, ...), or null if the file is absent. */
  public static Map<String, List<String>> load() throws IOException {
    String configured = System.getProperty("tracestore.conformance");
    Path path = Paths.get(configured != null ? configured : DEFAULT_PATH);
    if (!Files.isRegularFile(path)) {
      return null;
    }
    return parseYaml(Files.readAllLines(path, StandardCharsets.UTF_8));
  }

  /** Reads the file's simple shape: top-level keys holding lists of quoted or plain scalars. */
  static Map<String, List<String>> parseYaml(List<String> lines) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    List<String> current = null;
    for (String raw : lines) {
      String line = raw.stripTrailing();
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      if (!Character.isWhitespace(line.charAt(0)) && trimmed.endsWith(":")) {
        current = new ArrayList<>();
        out.put(trimmed.substring(0, trimmed.length() - 1), current);
        continue;
      }
      if (trimmed.startsWith("- ") && current != null) {
        current.add(scalar(trimmed.substring(2).strip()));
      }
    }
    return out;
  }

  private static String scalar(String s) {
    if (s.startsWith("'")) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '\'') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
            sb.append('\'');
            i++;
          } else {
            return sb.toString();
          }
        } else {
          sb.append(c);
        }
      }
      throw new IllegalArgumentException("unterminated single-quoted scalar: " + s);
    }
    if (s.startsWith("\"")) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          char e = s.charAt(++i);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case '0' -> sb.append('\0');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case '/' -> sb.append('/');
            case 'x' -> {
              sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
              i += 2;
            }
            case 'u' -> {
              sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
              i += 4;
            }
            default -> throw new IllegalArgumentException("unsupported YAML escape \\" + e);
          }
        } else {
          sb.append(c);
        }
      }
      throw new IllegalArgumentException("unterminated double-quoted scalar: " + s);
    }
    int comment = s.indexOf(" #");
    return (comment >= 0 ? s.substring(0, comment) : s).strip();
  }
}
