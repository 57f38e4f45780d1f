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
        assertThat(managed.values()).as("their versions").containsOnly("${project.version}");
        assertThat(text(bom, "version")).as("the BOM's version").isEqualTo(text(root, "version"));
        assertThat(property(bom, "protobuf.version"))
                .as("the BOM's protobuf.version, which users' protoc follows")
                .isEqualTo(property(root, "protobuf.version"));
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
