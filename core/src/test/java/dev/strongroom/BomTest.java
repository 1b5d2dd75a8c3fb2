package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The strongroom-bom (bom/pom.xml) names every artifact the reactor publishes, at the project's
 * version, and pins the clean, install and deploy plugins at the parent POM's versions (it has no
 * parent, so nothing else keeps them equal, and Maven's default clean plugin is not the one the
 * build resolves: `./mvnw -o clean` failed offline); the README's "Add it to your build" imports it
 * at that version and names only artifacts it manages.
 */
class BomTest {
  /** Maven runs the tests in the module directory; the repository root is its parent. */
  private static final Path ROOT = Path.of("..");

  private static boolean neverDeployed(Document pom) {
    for (Element properties : children(pom.getDocumentElement(), "properties")) {
      for (Element skip : children(properties, "maven.deploy.skip")) {
        if (skip.getTextContent().trim().equals("true")) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void bomManagesEveryPublishedArtifactAtTheProjectVersion() throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    Document bom = parse(ROOT.resolve("bom/pom.xml"));
    String version = text(parent.getDocumentElement(), "version");
    assertEquals(version, text(bom.getDocumentElement(), "version"), "bom version");

    Map<String, String> managed = new TreeMap<>();
    Element management = child(bom.getDocumentElement(), "dependencyManagement");
    for (Element dependency : children(child(management, "dependencies"), "dependency")) {
      assertEquals("dev.strongroom", text(dependency, "groupId"));
      assertEquals("${project.version}", text(dependency, "version"));
      managed.put(text(dependency, "artifactId"), text(dependency, "version"));
    }

    List<String> published = new ArrayList<>();
    for (Element module : children(child(parent.getDocumentElement(), "modules"), "module")) {
      String dir = module.getTextContent().trim();
      if (dir.equals("bom")) {
        continue; // the BOM itself
      }
      Document pom = parse(ROOT.resolve(dir).resolve("pom.xml"));
      if (neverDeployed(pom)) {
        continue; // benchmarks, the consumer test: maven.deploy.skip=true
      }
      published.add(text(pom.getDocumentElement(), "artifactId"));
    }
    assertFalse(published.isEmpty());
    for (String artifactId : published) {
      assertTrue(managed.containsKey(artifactId), artifactId + " is missing from bom/pom.xml");
    }
  }

  @Test
  void bomPinsItsPluginsAtTheParentVersions() throws Exception {
    Element parent = parse(ROOT.resolve("pom.xml")).getDocumentElement();
    Map<String, String> parentVersions = new TreeMap<>();
    Element parentPlugins = child(child(child(parent, "build"), "pluginManagement"), "plugins");
    for (Element plugin : children(parentPlugins, "plugin")) {
      String version = text(plugin, "version");
      assertTrue(version.startsWith("${") && version.endsWith("}"), version);
      String property = version.substring(2, version.length() - 1);
      parentVersions.put(text(plugin, "artifactId"), text(child(parent, "properties"), property));
    }
    Element bomBuild = child(parse(ROOT.resolve("bom/pom.xml")).getDocumentElement(), "build");
    List<Element> pinned =
        children(child(child(bomBuild, "pluginManagement"), "plugins"), "plugin");
    List<String> pinnedIds = pinned.stream().map(p -> text(p, "artifactId")).toList();
    assertTrue(
        pinnedIds.containsAll(
            List.of("maven-clean-plugin", "maven-install-plugin", "maven-deploy-plugin")),
        "clean, install and deploy are pinned: " + pinnedIds);
    for (Element plugin : pinned) {
      String artifactId = text(plugin, "artifactId");
      assertEquals(parentVersions.get(artifactId), text(plugin, "version"), artifactId);
    }
  }

  @Test
  void readmeImportsTheBomAtTheProjectVersionAndNamesOnlyManagedArtifacts() throws Exception {
    String version = text(parse(ROOT.resolve("pom.xml")).getDocumentElement(), "version");
    String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("## Add it to your build");
    assertTrue(start >= 0, "README.md has no \"Add it to your build\" section");
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);

    assertTrue(
        section.contains(
            "<artifactId>strongroom-bom</artifactId>\n      <version>" + version + "<"),
        "the README's BOM import is not at version " + version);
    Set<String> managed = new TreeSet<>();
    Element management =
        child(parse(ROOT.resolve("bom/pom.xml")).getDocumentElement(), "dependencyManagement");
    for (Element dependency : children(child(management, "dependencies"), "dependency")) {
      managed.add(text(dependency, "artifactId"));
    }
    Matcher named = Pattern.compile("strongroom-[a-z]+").matcher(section);
    int count = 0;
    while (named.find()) {
      count++;
      String artifactId = named.group();
      assertTrue(
          artifactId.equals("strongroom-bom") || managed.contains(artifactId),
          "README names " + artifactId + ", which the BOM does not manage");
    }
    assertTrue(count > 3, "the README's section names no artifacts");
  }

  private static Document parse(Path pom) throws Exception {
    assertTrue(Files.isRegularFile(pom), pom + " is missing");
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }

  private static Element child(Element parent, String name) {
    List<Element> found = children(parent, name);
    assertEquals(1, found.size(), "one <" + name + "> under <" + parent.getTagName() + ">");
    return found.get(0);
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> found = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node node = nodes.item(i);
      if (node instanceof Element element && element.getTagName().equals(name)) {
        found.add(element);
      }
    }
    return found;
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().trim();
  }
}
