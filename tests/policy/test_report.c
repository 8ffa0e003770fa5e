/* The HTML report from a record made here: escaping, masking, the data
 * attributes the rendered test relies on, long logs cut. */
#include "config.h"
#include "core/report_html.h"
#include "tests/policy/unit.h"

#include <stdlib.h>
#include <string.h>

static void test_report(void)
{
    char *dir = temp_dir();
    char *rec = path_join(dir, "record.json");
    write_text(rec, "{\"format\":1,\"s2nbuild\":\"0.1.0\",\"run_id\":\"r<1>\",\"pipeline\":\"s2nbuild.yml\","
                    "\"started\":\"2026-01-01T00:00:00Z\",\"duration\":2.0,\"result\":\"failed\","
                    "\"branch\":\"main\",\"commit\":\"abc123\",\"stages\":["
                    "{\"name\":\"test\",\"type\":\"pytest\",\"result\":\"failed\",\"started\":0.5,"
                    "\"duration\":1.0,\"attempts\":2,\"message\":\"3 <failed> & hunter2x\","
                    "\"tests\":{\"passed\":5,\"failed\":3,\"skipped\":1,\"errors\":0},"
                    "\"artifacts\":[{\"path\":\"/w/junit.xml\",\"name\":\"junit.xml\",\"kind\":\"junit\","
                    "\"sha256\":\"00ff\",\"size\":12}],\"outputs\":{\"version\":\"1.2\"},\"log\":\"test.log\"},"
                    "{\"name\":\"evil\",\"type\":\"command\",\"result\":\"ok\",\"started\":0,\"duration\":0,"
                    "\"log\":\"../../etc/passwd\"}]}");
    /* a log longer than the part the report keeps */
    char *log = path_join(dir, "test.log");
    strbuf b = {0};
    sb_puts(&b, "FIRST LINE\n");
    while (b.len < 300 * 1024)
        sb_puts(&b, "filler line of the log with hunter2x inside\n");
    sb_puts(&b, "<b>LAST LINE</b>\n");
    write_text(log, b.s);
    sb_free(&b);
    mask *m = mask_new();
    mask_add(m, "hunter2x");
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(report_html_write_dir(dir, NULL, m, &err), 0);
    char *out = path_join(dir, "report.html");
    size_t len;
    char *html = read_file(out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(html);
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<tr class=\"stage\" data-stage=\"test\" data-result=\"failed\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "data-passed=\"5\" data-failed=\"3\" data-skipped=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "3 &lt;failed&gt; &amp; ***"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "(2 attempts)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "s2nbuild run r&lt;1&gt;: failed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "branch main"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "<code>00ff</code>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "&lt;b&gt;LAST LINE&lt;/b&gt;"));
    CU_ASSERT_PTR_NULL(strstr(html, "FIRST LINE")); /* cut: only the tail */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "last 256 KiB"));
    CU_ASSERT_PTR_NULL(strstr(html, "hunter2x"));
    CU_ASSERT_PTR_NULL(strstr(html, "root:")); /* a log path leaving the run dir is not read */
    CU_ASSERT_PTR_NULL(strstr(html, "<script"));
    /* timeline: the bar starts at 25% and spans 50% */
    CU_ASSERT_PTR_NOT_NULL(strstr(html, "left:25.00%;width:50.00%"));
    free(html);
    /* a broken record: file:line:col */
    write_text(rec, "{\"stages\": [");
    CU_ASSERT_EQUAL(report_html_write_dir(dir, NULL, m, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "record.json:1:"));
    free(err);
    mask_free(m);
    free(out), free(log), free(rec), free(dir);
}

void add_report_tests(void)
{
    CU_pSuite s = CU_add_suite("report_html", NULL, NULL);
    CU_add_test(s, "escaping, masking, data attributes, long logs", test_report);
}
