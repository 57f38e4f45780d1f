package io.ratissm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * {@code bom/pom.xml}, the BOM users import, pins every published module of the build (each module the root pom
 * lists, but those that set {@code maven.deploy.skip}) at the build's version, and the build's protobuf-java version.
 * It is the one place that version is defined: the starter parent inherits it (for protoc), and the root pom inherits
 * the starter parent.
 */
class BomTest {
    private static final Path ROOT = Path.of("..");
    private static final String GROUP = "io.ratissm";

    @Test
    void theBomPinsEveryPublishedModuleAtTheBuildsVersion() throws Exception {
        Element root = pom(ROOT.resolve("pom.xml"));
        Element bom = pom(ROOT.resolve("bom/pom.xml"));
        TreeSet<String> published = new TreeSet<>();
        for (Element module : children(child(root, "modules"), "module")) {
            Element pom = pom(ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml"));
            boolean notPublished = property(pom, "maven.deploy.skip").equals("true");
            if (!text(pom, "packaging").equals("pom") && !notPublished) {
                published.add(text(pom, "artifactId"));
            }
        }
        assertThat(published).as("published modules").contains("ratis-sm", "ratis-sm-statemachines");

        Map<String, String> managed = new TreeMap<>();
        for (Element dependency : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            if (text(dependency, "groupId").equals(GROUP)) {
                managed.put(text(dependency, "artifactId"), text(dependency, "version"));
            }
        }

        assertThat(managed.keySet()).as("ratis-sm artifacts the BOM manages").isEqualTo(published);
        assertThat(managed.values()).as("their versions").containsOnly("${ratis-sm.version}");
        assertThat(property(bom, "ratis-sm.version")).as("ratis-sm.version").isEqualTo(text(root, "version"));
        assertThat(text(bom, "version")).as("the BOM's version").isEqualTo(text(root, "version"));
    }

    @Test
    void protobufVersionIsDefinedInTheBomOnlyAndTheStarterParentAndTheBuildInheritIt() throws Exception {
        Element root = pom(ROOT.resolve("pom.xml"));
        Element bom = pom(ROOT.resolve("bom/pom.xml"));
        Element starter = pom(ROOT.resolve("starter-parent/pom.xml"));

        assertThat(property(bom, "protobuf.version"))
                .as("the BOM's protobuf.version")
                .isNotEmpty();
        assertThat(text(child(starter, "parent"), "artifactId")).isEqualTo(text(bom, "artifactId"));
        assertThat(text(child(root, "parent"), "artifactId")).isEqualTo(text(starter, "artifactId"));
        assertThat(List.of(property(starter, "protobuf.version"), property(root, "protobuf.version")))
                .as("protobuf.version of the starter parent and the root pom: inherited, never set again")
                .containsOnly("");
    }

    private static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(file.toFile())
                .getDocumentElement();
    }

    private static String property(Element pom, String name) {
        Element properties = child(pom, "properties");
        return properties == null ? "" : text(properties, name);
    }

    /** The text of the direct child {@code name}, or "" if there is none. */
    private static String text(Element parent, String name) {
        Element child = child(parent, name);
        return child == null ? "" : child.getTextContent().strip();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE
                    && nodes.item(i).getNodeName().equals(name)) {
                found.add((Element) nodes.item(i));
            }
        }
        return found;
    }
}
