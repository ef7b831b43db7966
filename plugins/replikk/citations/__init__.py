"""Citations and metadata: every article citable by people, readable by machines.

Pure modules (no Pelican): ``references`` (the reference list and in-text
citations), ``cite`` (Vancouver, RIS, BibTeX), ``jsonld`` (Schema.org),
``crossref`` (relations deposit), ``sitemap`` (sitemap.xml, robots.txt),
``settings`` (defaults and checks). ``glue`` connects them to Pelican;
``deposit`` is ``invoke crossref``, the relations deposit written outside the
site.
"""
