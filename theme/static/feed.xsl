<?xml version="1.0" encoding="UTF-8"?>
<!--
  A feed opened in a browser, as a page: the feed's title, how to subscribe
  (with the feed's own address) and its entries. Every Atom and RSS feed the
  feeds part writes names this stylesheet in an xml-stylesheet instruction
  (plugins/replikk/feeds/README.md); feed readers ignore it.

  XSLT 1.0, for Atom 1.0 and RSS 2.0 alike. The page speaks the feed's
  language (Atom xml:lang, RSS <language>): nb, nn or en, nb for any other.
  The interface strings are here, by language, since a browser applies this
  file as it is; keep them in step with theme/strings/*.feeds.toml.
  Summaries are shown as plain text: browsers do not honour
  disable-output-escaping alike, and a feed's HTML is not run as a page.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  exclude-result-prefixes="atom dc">

<xsl:output method="html" encoding="UTF-8" indent="yes"
  doctype-system="about:legacy-compat"/>

<xsl:variable name="raw-lang"
  select="string((/atom:feed/@xml:lang | /rss/channel/language)[1])"/>
<xsl:variable name="lang">
  <xsl:choose>
    <xsl:when test="starts-with($raw-lang, 'nn')">nn</xsl:when>
    <xsl:when test="starts-with($raw-lang, 'en')">en</xsl:when>
    <xsl:otherwise>nb</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="format">
  <xsl:choose>
    <xsl:when test="/atom:feed">Atom</xsl:when>
    <xsl:otherwise>RSS</xsl:otherwise>
  </xsl:choose>
</xsl:variable>

<!-- Interface strings, by language. -->
<xsl:variable name="s-kind">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">News feed</xsl:when>
    <xsl:when test="$lang = 'nn'">Nyheitsstraum</xsl:when>
    <xsl:otherwise>Nyhetsstrøm</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-intro">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">This page is a news feed: subscribe to it in a feed reader and new articles come to you, without visiting the website.</xsl:when>
    <xsl:when test="$lang = 'nn'">Denne sida er ein nyheitsstraum: abonner på han i ein feedlesar, så kjem nye artiklar til deg utan at du treng å besøkje nettstaden.</xsl:when>
    <xsl:otherwise>Denne siden er en nyhetsstrøm: abonner på den i en feedleser, så kommer nye artikler til deg uten at du trenger å besøke nettstedet.</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-how">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">How to subscribe</xsl:when>
    <xsl:otherwise>Slik abonnerer du</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-copy">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">Copy this address into your feed reader:</xsl:when>
    <xsl:when test="$lang = 'nn'">Kopier denne adressa inn i feedlesaren din:</xsl:when>
    <xsl:otherwise>Kopier denne adressen inn i feedleseren din:</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-site">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">Read the articles on the website</xsl:when>
    <xsl:when test="$lang = 'nn'">Les artiklane på nettstaden</xsl:when>
    <xsl:otherwise>Les artiklene på nettstedet</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-latest">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">Latest articles</xsl:when>
    <xsl:when test="$lang = 'nn'">Dei siste artiklane</xsl:when>
    <xsl:otherwise>Siste artikler</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-none">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">No articles yet.</xsl:when>
    <xsl:when test="$lang = 'nn'">Ingen artiklar enno.</xsl:when>
    <xsl:otherwise>Ingen artikler ennå.</xsl:otherwise>
  </xsl:choose>
</xsl:variable>
<xsl:variable name="s-months">
  <xsl:choose>
    <xsl:when test="$lang = 'en'">January February March April May June July August September October November December </xsl:when>
    <xsl:otherwise>januar februar mars april mai juni juli august september oktober november desember </xsl:otherwise>
  </xsl:choose>
</xsl:variable>

<xsl:template match="/">
  <xsl:variable name="title" select="normalize-space((/atom:feed/atom:title | /rss/channel/title)[1])"/>
  <xsl:variable name="subtitle" select="normalize-space((/atom:feed/atom:subtitle | /rss/channel/description)[1])"/>
  <xsl:variable name="self" select="string((/atom:feed/atom:link[@rel = 'self'] | /rss/channel/atom:link[@rel = 'self'])[1]/@href)"/>
  <xsl:variable name="site" select="string((/atom:feed/atom:link[@rel = 'alternate']/@href | /rss/channel/link)[1])"/>
  <xsl:variable name="entries" select="/atom:feed/atom:entry | /rss/channel/item"/>
  <html lang="{$lang}">
    <head>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <meta name="color-scheme" content="light dark"/>
      <title><xsl:value-of select="$title"/> (<xsl:value-of select="$format"/>)</title>
      <style>
:root { color-scheme: light dark; --bg: #fdfcfa; --fg: #1c1b19; --muted: #56534d;
  --accent: #8a1c1c; --line: #d9d5cc; --panel: #f3f0e9; --focus: #1a5fb4; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #171614; --fg: #ece9e2; --muted: #b3aea4; --accent: #f0a5a5;
    --line: #3b3934; --panel: #23211e; --focus: #8fb8ff; }
}
html { background: var(--bg); color: var(--fg); }
body { margin: 0; font: 1.0625rem/1.55 Georgia, "Times New Roman", serif; }
main { display: block; max-width: 42rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
a { color: var(--accent); text-underline-offset: 0.15em; }
a:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.kind, .meta, .subscribe { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
.kind { margin: 0; color: var(--muted); font-size: 0.9rem; text-transform: uppercase; letter-spacing: 0.05em; }
h1 { margin: 0.2rem 0 0.4rem; font-size: 1.9rem; line-height: 1.2; }
.subtitle { margin: 0 0 1.25rem; color: var(--muted); }
.subscribe { background: var(--panel); border-left: 4px solid var(--accent); padding: 0.75rem 1rem; margin: 0 0 2rem; font-size: 0.95rem; }
.subscribe h2 { font-size: 1.1rem; margin: 0 0 0.4rem; }
.subscribe p { margin: 0.4rem 0; }
.address { display: block; overflow-wrap: anywhere; padding: 0.4rem 0.5rem; background: var(--bg); border: 1px solid var(--line); font: 0.95rem/1.4 ui-monospace, Menlo, Consolas, monospace; user-select: all; }
.subscribe a, .entry h3 a { display: inline-block; min-height: 24px; padding: 0.1rem 0; }
.entries { list-style: none; margin: 0; padding: 0; }
.entry { border-top: 1px solid var(--line); padding: 0.9rem 0; }
.entry h3 { font-size: 1.2rem; line-height: 1.3; margin: 0 0 0.2rem; }
.meta { margin: 0 0 0.3rem; color: var(--muted); font-size: 0.9rem; }
.summary { margin: 0; }
      </style>
    </head>
    <body>
      <main>
        <p class="kind"><xsl:value-of select="$s-kind"/> (<xsl:value-of select="$format"/>)</p>
        <h1><xsl:value-of select="$title"/></h1>
        <xsl:if test="$subtitle and $subtitle != $title">
          <p class="subtitle"><xsl:value-of select="$subtitle"/></p>
        </xsl:if>
        <section class="subscribe" aria-labelledby="subscribe-title">
          <h2 id="subscribe-title"><xsl:value-of select="$s-how"/></h2>
          <p><xsl:value-of select="$s-intro"/></p>
          <p><xsl:value-of select="$s-copy"/></p>
          <p><code class="address"><xsl:value-of select="$self"/></code></p>
          <xsl:if test="$site">
            <p><a href="{$site}"><xsl:value-of select="$s-site"/></a></p>
          </xsl:if>
        </section>
        <section aria-labelledby="entries-title">
          <h2 id="entries-title"><xsl:value-of select="$s-latest"/></h2>
          <xsl:choose>
            <xsl:when test="$entries">
              <ol class="entries">
                <xsl:apply-templates select="$entries"/>
              </ol>
            </xsl:when>
            <xsl:otherwise>
              <p><xsl:value-of select="$s-none"/></p>
            </xsl:otherwise>
          </xsl:choose>
        </section>
      </main>
    </body>
  </html>
</xsl:template>

<xsl:template match="atom:entry">
  <xsl:variable name="when" select="string((atom:published | atom:updated)[1])"/>
  <li class="entry">
    <xsl:if test="@xml:lang and @xml:lang != $raw-lang">
      <xsl:attribute name="lang"><xsl:value-of select="@xml:lang"/></xsl:attribute>
    </xsl:if>
    <h3><a href="{(atom:link[@rel = 'alternate'] | atom:link[not(@rel)])[1]/@href}"><xsl:value-of select="normalize-space(atom:title)"/></a></h3>
    <p class="meta">
      <xsl:if test="$when">
        <xsl:call-template name="date">
          <xsl:with-param name="y" select="substring($when, 1, 4)"/>
          <xsl:with-param name="m" select="number(substring($when, 6, 2))"/>
          <xsl:with-param name="d" select="number(substring($when, 9, 2))"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:if test="$when and atom:author">
        <xsl:text> · </xsl:text>
      </xsl:if>
      <xsl:for-each select="atom:author/atom:name">
        <xsl:if test="position() > 1">, </xsl:if>
        <xsl:value-of select="normalize-space(.)"/>
      </xsl:for-each>
    </p>
    <xsl:call-template name="summary">
      <xsl:with-param name="html">
        <xsl:choose>
          <xsl:when test="atom:summary"><xsl:value-of select="atom:summary"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="atom:content"/></xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </li>
</xsl:template>

<xsl:template match="item">
  <!-- RFC 822 as feedgen writes it: "Tue, 06 Feb 2024 10:00:00 +0100". -->
  <xsl:variable name="when" select="normalize-space(pubDate)"/>
  <xsl:variable name="month" select="substring($when, 9, 3)"/>
  <li class="entry">
    <h3><a href="{normalize-space(link)}"><xsl:value-of select="normalize-space(title)"/></a></h3>
    <p class="meta">
      <xsl:if test="$when">
        <xsl:call-template name="date">
          <xsl:with-param name="y" select="substring($when, 13, 4)"/>
          <xsl:with-param name="m" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $month)) div 3 + 1"/>
          <xsl:with-param name="d" select="number(substring($when, 6, 2))"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:if test="$when and dc:creator">
        <xsl:text> · </xsl:text>
      </xsl:if>
      <xsl:for-each select="dc:creator">
        <xsl:if test="position() > 1">, </xsl:if>
        <xsl:value-of select="normalize-space(.)"/>
      </xsl:for-each>
    </p>
    <xsl:call-template name="summary">
      <xsl:with-param name="html" select="string(description)"/>
    </xsl:call-template>
  </li>
</xsl:template>

<!-- A date as the site writes it: "6. februar 2024", "6 February 2024". -->
<xsl:template name="date">
  <xsl:param name="y"/>
  <xsl:param name="m"/>
  <xsl:param name="d"/>
  <time datetime="{$y}-{format-number($m, '00')}-{format-number($d, '00')}">
    <xsl:value-of select="$d"/>
    <xsl:if test="$lang != 'en'">.</xsl:if>
    <xsl:text> </xsl:text>
    <xsl:call-template name="nth">
      <xsl:with-param name="list" select="$s-months"/>
      <xsl:with-param name="n" select="$m"/>
    </xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:value-of select="$y"/>
  </time>
</xsl:template>

<xsl:template name="nth">
  <xsl:param name="list"/>
  <xsl:param name="n"/>
  <xsl:choose>
    <xsl:when test="$n &lt;= 1"><xsl:value-of select="substring-before($list, ' ')"/></xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="nth">
        <xsl:with-param name="list" select="substring-after($list, ' ')"/>
        <xsl:with-param name="n" select="$n - 1"/>
      </xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<!-- An entry's summary (escaped HTML) as one paragraph of plain text. -->
<xsl:template name="summary">
  <xsl:param name="html"/>
  <xsl:variable name="text">
    <xsl:call-template name="text-of">
      <xsl:with-param name="html" select="$html"/>
    </xsl:call-template>
  </xsl:variable>
  <xsl:if test="normalize-space($text)">
    <p class="summary"><xsl:value-of select="normalize-space($text)"/></p>
  </xsl:if>
</xsl:template>

<!-- The text of HTML: tags dropped (a space where one ends a block), then
     the entities HTML writes for markup characters turned back. -->
<xsl:template name="text-of">
  <xsl:param name="html"/>
  <xsl:choose>
    <xsl:when test="contains($html, '&lt;')">
      <xsl:call-template name="unescape">
        <xsl:with-param name="s" select="substring-before($html, '&lt;')"/>
      </xsl:call-template>
      <xsl:variable name="tag" select="substring-before(substring-after($html, '&lt;'), '&gt;')"/>
      <xsl:if test="starts-with($tag, '/p') or starts-with($tag, 'br') or starts-with($tag, '/li') or starts-with($tag, '/h') or starts-with($tag, '/blockquote') or starts-with($tag, '/div')">
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:call-template name="text-of">
        <xsl:with-param name="html" select="substring-after(substring-after($html, '&lt;'), '&gt;')"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise>
      <xsl:call-template name="unescape">
        <xsl:with-param name="s" select="$html"/>
      </xsl:call-template>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>

<xsl:template name="unescape">
  <xsl:param name="s"/>
  <xsl:call-template name="replace">
    <xsl:with-param name="s">
      <xsl:call-template name="replace">
        <xsl:with-param name="s">
          <xsl:call-template name="replace">
            <xsl:with-param name="s">
              <xsl:call-template name="replace">
                <xsl:with-param name="s">
                  <xsl:call-template name="replace">
                    <xsl:with-param name="s" select="$s"/>
                    <xsl:with-param name="from" select="'&amp;lt;'"/>
                    <xsl:with-param name="to" select="'&lt;'"/>
                  </xsl:call-template>
                </xsl:with-param>
                <xsl:with-param name="from" select="'&amp;gt;'"/>
                <xsl:with-param name="to" select="'&gt;'"/>
              </xsl:call-template>
            </xsl:with-param>
            <xsl:with-param name="from" select="'&amp;quot;'"/>
            <xsl:with-param name="to" select="'&quot;'"/>
          </xsl:call-template>
        </xsl:with-param>
        <xsl:with-param name="from" select='"&amp;#39;"'/>
        <xsl:with-param name="to" select='"&apos;"'/>
      </xsl:call-template>
    </xsl:with-param>
    <xsl:with-param name="from" select="'&amp;amp;'"/>
    <xsl:with-param name="to" select="'&amp;'"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="replace">
  <xsl:param name="s"/>
  <xsl:param name="from"/>
  <xsl:param name="to"/>
  <xsl:choose>
    <xsl:when test="contains($s, $from)">
      <xsl:value-of select="substring-before($s, $from)"/>
      <xsl:value-of select="$to"/>
      <xsl:call-template name="replace">
        <xsl:with-param name="s" select="substring-after($s, $from)"/>
        <xsl:with-param name="from" select="$from"/>
        <xsl:with-param name="to" select="$to"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

</xsl:stylesheet>
