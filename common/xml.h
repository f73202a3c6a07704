/*
 * xml.h -- a small pull scanner for the XML that exports hold (schema
 * files): start tags with their attributes, end tags and text. No DTD,
 * no entity expansion (text is returned as written), no namespaces.
 */
#ifndef SG_XML_H
#define SG_XML_H

#include <stddef.h>

enum sg_xml_event {
	SG_XML_EOF,
	SG_XML_OPEN,		/* name, attrs; a self-closing tag is an */
	SG_XML_CLOSE,		/* OPEN followed by a CLOSE of the same name */
	SG_XML_TEXT,		/* text, CDATA included, maybe empty */
};

struct sg_xml {
	const char *p, *end;
	int line;		/* of the last event, 1-based */
	const char *name, *attrs, *text;
	size_t name_len, attrs_len, text_len;
	int pending_close;	/* a self-closing tag's CLOSE comes next */
};

/* Start scanning [text, text + len). */
void sg_xml_init(struct sg_xml *x, const char *text, size_t len);
/* The next event, or SG_ERROR on a malformed tag (never reads past end). */
int sg_xml_next(struct sg_xml *x);
/* Whether the current tag's name (after any "prefix:") is `name`. */
int sg_xml_is(const struct sg_xml *x, const char *name);
/* Value of attribute `name` of the current OPEN tag into *out (raw, no
 * entity decoding); 0 if found, SG_ENOTFOUND if not. */
int sg_xml_attr(const struct sg_xml *x, const char *name, const char **out,
		size_t *len);

#endif
