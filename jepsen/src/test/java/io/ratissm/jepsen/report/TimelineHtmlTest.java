package io.ratissm.jepsen.report;

import static io.ratissm.jepsen.TestData.parse;
import static org.assertj.core.api.Assertions.assertThat;

import io.ratissm.jepsen.checker.CheckOptions;
import io.ratissm.jepsen.checker.CheckResult;
import io.ratissm.jepsen.checker.Models;
import io.ratissm.jepsen.checker.WglChecker;
import io.ratissm.jepsen.history.History;
import org.junit.jupiter.api.Test;

class TimelineHtmlTest {
    private static final History STALE_READ = parse("""
      {:process 0, :type :invoke, :f :write, :value 0}
      {:process 0, :type :ok, :f :write, :value 0}
      {:process 1, :type :invoke, :f :read, :value nil}
      {:process 2, :type :invoke, :f :write, :value 4}
      {:process 1, :type :ok, :f :read, :value 3}
      {:process 2, :type :info, :f :write, :value 4}
      {:process 3, :type :invoke, :f :write, :value 9}
      {:process 3, :type :fail, :f :write, :value 9}
      """);

    private static String render(History h) {
        CheckResult r = new WglChecker(CheckOptions.defaults()).check(h, Models.create("cas-register", true, 0L));
        return TimelineHtml.render("stale <read>", h, r);
    }

    @Test
    void drawsOneColumnPerProcessAndOneBoxPerOperationColouredByOutcome() {
        String html = render(STALE_READ);

        assertThat(html).contains(">process 0<", ">process 1<", ">process 2<", ">process 3<");
        assertThat(html.split("class=\"op ", -1)).hasSize(5);
        assertThat(html).contains("class=\"op ok", "class=\"op info", "class=\"op fail");
    }

    @Test
    void marksTheOperationThatCannotBeLinearizedAndListsTheLongestPrefixWithStates() {
        String html = render(STALE_READ);

        assertThat(html).contains("class=\"op ok culprit\"").contains("cannot linearize");
        assertThat(html).contains("Longest linearizable prefix").contains("<td>write 0</td><td>0</td>");
    }

    @Test
    void escapesTextSoTheTitleCannotInjectMarkup() {
        assertThat(render(STALE_READ)).contains("stale &lt;read&gt;").doesNotContain("stale <read>");
    }

    @Test
    void isSelfContainedWithoutExternalResources() {
        assertThat(render(STALE_READ))
                .doesNotContain("<script src")
                .doesNotContain("<link")
                .contains("<style>");
    }
}
