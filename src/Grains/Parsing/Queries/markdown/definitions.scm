; CodeIngest's definitions for Markdown: each ATX heading (# Title) is a `section` whose range is
; the heading and everything under it up to the next heading of the same or a higher level.
; Setext headings (underlined) are sections of their own two lines.

(section (atx_heading heading_content: (inline) @name)) @definition.section

(setext_heading heading_content: (paragraph (inline) @name)) @definition.section
