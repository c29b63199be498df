{#- The cover of the printed course (print-site's cover_page_template, mkdocs.yml):
    title, the course it follows, what it was built from, the licence. config.extra.build
    is set by docs/hooks/print_page.py from git, so two builds of a commit agree. -#}
<div class="mvc-cover">
  <h1>{{ config.site_name }}</h1>
  <p class="mvc-cover__lead">A literate, executable course following the six modules of
    Imperial College London's <em>Mathematics for Machine Learning: Multivariate
    Calculus</em>: every formula computed, every figure drawn and every code block run
    by the build.</p>
  <table>
    {%- if config.extra.build %}
    <tr><td>Built from</td><td>commit <code>{{ config.extra.build.commit }}</code> of {{ config.extra.build.date }}</td></tr>
    {%- endif %}
    {%- if config.repo_url %}
    <tr><td>Repository</td><td>{{ config.repo_url }}</td></tr>
    {%- endif %}
    <tr><td>Licence</td><td>{{ config.copyright }}</td></tr>
  </table>
</div>
