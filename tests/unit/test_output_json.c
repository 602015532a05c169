// SPDX-License-Identifier: GPL-2.0
/* The JSON writer: nesting, commas and escaping. */
#include "check.h"
#include "output/json.h"

static char *render(void (*fn)(struct json *j, FILE *f))
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct json j;

	fn(&j, f);
	fclose(f);
	return buf;
}

static void nested(struct json *j, FILE *f)
{
	json_begin(j, f, "t");
	json_u64(j, "a", 1);
	json_key_obj(j, "o");
	json_i64(j, "n", -2);
	json_bool(j, "b", true);
	json_close(j);
	json_key_arr(j, "arr");
	json_arr_obj(j);
	json_u64(j, "x", 1);
	json_close(j);
	json_arr_obj(j);
	json_u64(j, "x", 2);
	json_close(j);
	json_close_arr(j);
	json_hex(j, "h", 255);
	json_end(j);
}

static void nesting_and_commas(void)
{
	CHECK(!strcmp(render(nested),
		      "{\"type\":\"t\",\"a\":1,\"o\":{\"n\":-2,\"b\":true},"
		      "\"arr\":[{\"x\":1},{\"x\":2}],\"h\":\"0xff\"}\n"));
}

static void escapes(struct json *j, FILE *f)
{
	json_begin(j, f, "t");
	json_str(j, "s", "a\"b\\c\nd\x01" "e");
	json_end(j);
}

static void strings_are_escaped(void)
{
	CHECK(!strcmp(render(escapes), "{\"type\":\"t\",\"s\":\"a\\\"b\\\\c\\nd\\u0001e\"}\n"));
}

static void unclosed(struct json *j, FILE *f)
{
	json_begin(j, f, "t");
	json_key_obj(j, "o");
	json_key_obj(j, "p");
	json_end(j);
}

static void end_closes_open_objects(void)
{
	CHECK(!strcmp(render(unclosed), "{\"type\":\"t\",\"o\":{\"p\":{}}}\n"));
}

int main(void)
{
	RUN(nesting_and_commas);
	RUN(strings_are_escaped);
	RUN(end_closes_open_objects);
	CHECK_EXIT();
}
