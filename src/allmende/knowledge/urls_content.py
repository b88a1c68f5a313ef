"""Routes of the knowledge overview, the articles and the feeds; the publications, positions
and news follow at the end."""

from django.urls import URLPattern, path

from allmende.knowledge import feeds, views_content

urlpatterns: list[URLPattern] = [
    path("", views_content.overview, name="overview"),
    path("artikel/", views_content.article_list, name="article_list"),
    path("artikel/neu/", views_content.article_create, name="article_create"),
    path("artikel/<slug:slug>/", views_content.article_detail, name="article_detail"),
    path("artikel/<slug:slug>/bearbeiten/", views_content.article_edit, name="article_edit"),
    path("feeds/artikel.rss", feeds.ArticleFeed(), name="article_feed_rss"),
    path("feeds/artikel.atom", feeds.ArticleAtomFeed(), name="article_feed_atom"),
    path("feeds/neuigkeiten.rss", feeds.NewsFeed(), name="news_feed_rss"),
    path("feeds/neuigkeiten.atom", feeds.NewsAtomFeed(), name="news_feed_atom"),
    path("feeds/werkzeuge.rss", feeds.ToolFeed(), name="tool_feed_rss"),
    path("feeds/werkzeuge.atom", feeds.ToolAtomFeed(), name="tool_feed_atom"),
]

# --- Publications, positions and news (views_publish) ---------------------------------------

from allmende.knowledge import views_publish  # noqa: E402

urlpatterns += [
    path("publikationen/", views_publish.publication_list, name="publication_list"),
    path("publikationen/neu/", views_publish.publication_create, name="publication_create"),
    path("publikationen/<slug:slug>/", views_publish.publication_detail, name="publication_detail"),
    path(
        "publikationen/<slug:slug>/download/",
        views_publish.publication_download,
        name="publication_download",
    ),
    path(
        "publikationen/<slug:slug>/bearbeiten/",
        views_publish.publication_edit,
        name="publication_edit",
    ),
    path("positionen/", views_publish.position_list, name="position_list"),
    path("positionen/neu/", views_publish.position_create, name="position_create"),
    path("positionen/<slug:slug>/", views_publish.position_detail, name="position_detail"),
    path("positionen/<slug:slug>/bearbeiten/", views_publish.position_edit, name="position_edit"),
    path(
        "positionen/<slug:slug>/unterzeichnen/", views_publish.position_sign, name="position_sign"
    ),
    path(
        "positionen/<slug:slug>/zurueckziehen/",
        views_publish.position_withdraw,
        name="position_withdraw",
    ),
    path(
        "positionen/<slug:slug>/zeichnung/",
        views_publish.position_signing,
        name="position_signing",
    ),
    path("aktuelles/", views_publish.news_list, name="news_list"),
    path("aktuelles/neu/", views_publish.news_create, name="news_create"),
    path(
        "aktuelles/netzwerk/<slug:network_slug>/",
        views_publish.news_network,
        name="news_network",
    ),
    path("aktuelles/<slug:slug>/", views_publish.news_detail, name="news_detail"),
    path("aktuelles/<slug:slug>/bearbeiten/", views_publish.news_edit, name="news_edit"),
]
