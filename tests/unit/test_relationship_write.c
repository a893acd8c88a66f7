/* test_relationship_write.c — writing through relationships (append,
 * remove, set, contains), cascades on delete, and association tables
 * without a primary key, against SQLite; one scenario is replayed with
 * SQLAlchemy 1.4 on a copy of the database as the oracle of the rows. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "data/db.h"
#include "data/model.h"
#include "data/query.h"
#include "data/relationship.h"
#include "app/models.h"
#include "oracle.h"
#include "tmpdb.h"

/* ---- models of our own, beside Flasky's ---- */

static const fl_model Author, Book, Review, Post, Tag, PostTags, Node;

/* class Author: books = relationship('Book', backref='author',
 *                                    cascade='all, delete-orphan') */
static const fl_column author_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 64, FL_NOT_NULL),
	FL_COLUMN_END,
};
static const fl_relationship author_rels[] = {
	{ .name = "books", .target = &Book, .backref = "author",
	  .cascade = FL_CASCADE_ALL_DELETE_ORPHAN },
	FL_RELATIONSHIP_END,
};
static const fl_model Author = { .name = "Author", .tablename = "authors", .columns = author_columns,
	.relationships = author_rels };

/* class Book: reviews = relationship('Review', backref='book')  (no cascade;
 * review.book_id NOT NULL: deleting a reviewed book fails) */
static const fl_column book_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 64, FL_NOT_NULL),
	FL_COLUMN_INTEGER("author_id", FL_FOREIGN_KEY("authors.id"), FL_NOT_NULL),
	FL_COLUMN_END,
};
static const fl_relationship book_rels[] = {
	{ .name = "reviews", .target = &Review, .backref = "book" },
	FL_RELATIONSHIP_END,
};
static const fl_model Book = { .name = "Book", .tablename = "books", .columns = book_columns,
	.relationships = book_rels };

static const fl_column review_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_INTEGER("book_id", FL_FOREIGN_KEY("books.id"), FL_NOT_NULL),
	FL_COLUMN_END,
};
static const fl_model Review = { .name = "Review", .tablename = "reviews", .columns = review_columns };

/* post_tags = db.Table('post_tags', db.Column('post_id', db.ForeignKey('posts.id')),
 *                      db.Column('tag_id', db.ForeignKey('tags.id'))) — no primary key */
static const fl_column post_tags_columns[] = {
	FL_COLUMN_INTEGER("post_id", FL_FOREIGN_KEY("posts.id")),
	FL_COLUMN_INTEGER("tag_id", FL_FOREIGN_KEY("tags.id")),
	FL_COLUMN_END,
};
static const fl_model PostTags = { .name = "post_tags", .tablename = "post_tags",
	.columns = post_tags_columns };

static const fl_column post_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("title", 64),
	FL_COLUMN_END,
};
static const fl_relationship post_rels[] = {
	{ .name = "tags", .target = &Tag, .secondary = &PostTags, .backref = "posts",
	  .order_by = "name" },
	FL_RELATIONSHIP_END,
};
static const fl_model Post = { .name = "Post", .tablename = "posts", .columns = post_columns,
	.relationships = post_rels };

static const fl_column tag_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("name", 32, FL_UNIQUE),
	FL_COLUMN_END,
};
static const fl_model Tag = { .name = "Tag", .tablename = "tags", .columns = tag_columns };

/* class Node: children = relationship('Node', backref=backref('parent',
 *     remote_side=[id]), cascade='all, delete-orphan') — self-referential */
static const fl_column node_columns[] = {
	FL_COLUMN_INTEGER("id", FL_PRIMARY_KEY),
	FL_COLUMN_STRING("label", 32),
	FL_COLUMN_INTEGER("parent_id", FL_FOREIGN_KEY("nodes.id")),
	FL_COLUMN_END,
};
static const fl_relationship node_rels[] = {
	{ .name = "children", .target = &Node, .backref = "parent",
	  .cascade = FL_CASCADE_ALL_DELETE_ORPHAN },
	FL_RELATIONSHIP_END,
};
static const fl_model Node = { .name = "Node", .tablename = "nodes", .columns = node_columns,
	.relationships = node_rels };

static const fl_model *const models[] = {
	&Role, &Ident, &User, &Article, &Student, &Course, &StudentCourse,
	&Author, &Book, &Review, &Post, &Tag, &PostTags, &Node, NULL,
};

/* ---- fixture and helpers ---- */

static int setup(void **state)
{
	struct tmpdb *f = tmpdb_memory(models);
	fl_db_set_models(f->db, models);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	tmpdb_free(*state);
	return 0;
}

/* Add a row given as JSON text; fails the test on error. */
static json_t *add(struct tmpdb *f, const fl_model *m, const char *text)
{
	json_t *row = json_loads(text, 0, NULL);
	assert_non_null(row);
	if (fl_db_add(f->db, m, row))
		fail_msg("add %s: %s", fl_model_table(m), fl_db_errmsg(f->db));
	return row;
}

static json_t *get(struct tmpdb *f, const fl_model *m, long id)
{
	json_t *row;
	assert_int_equal(fl_get(f->db, f->arena, m, json_integer(id), &row), FL_OK);
	return row;
}

/* One integer from `sql` (e.g. a COUNT). */
static long scalar(struct tmpdb *f, const char *sql)
{
	json_t *rows;
	assert_int_equal(fl_db_query(f->db, sql, NULL, &rows), FL_OK);
	const char *k;
	json_t *v;
	json_object_foreach(json_array_get(rows, 0), k, v)
		return json_is_null(v) ? -1 : (long)json_integer_value(v);
	return -2;
}

static long ival(json_t *o, const char *k) { return (long)json_integer_value(json_object_get(o, k)); }

#define OK(call) do { fl_err e_ = (call); if (e_) fail_msg("%s: %s", #call, fl_db_errmsg(f->db)); } while (0)

/* ---- one-to-many and many-to-one ---- */

static void test_one_to_many_append(void **state)
{
	struct tmpdb *f = *state;
	json_t *admin = add(f, &Role, "{\"name\": \"Admin\"}");
	json_t *john = add(f, &User, "{\"username\": \"john\"}");
	OK(fl_db_commit(f->db));
	json_object_set_new(admin, "users", json_array());   /* as if loaded */
	/* role.users.append(john): an UPDATE of users.role_id */
	OK(fl_relationship_append(f->db, &Role, admin, "users", john));
	assert_int_equal(ival(john, "role_id"), 1);
	/* an unsaved user is INSERTed with the key (save-update cascade) */
	json_t *susan = json_pack("{s:s}", "username", "susan");
	OK(fl_relationship_append(f->db, &Role, admin, "users", susan));
	assert_int_equal(ival(susan, "id"), 2);
	/* appending again changes nothing */
	OK(fl_relationship_append(f->db, &Role, admin, "users", john));
	OK(fl_db_commit(f->db));
	assert_int_equal(json_array_size(json_object_get(admin, "users")), 2);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users WHERE role_id = 1"), 2);
	bool in = false;
	OK(fl_relationship_contains(f->db, &Role, admin, "users", john, &in));
	assert_true(in);
	/* a user row that is gone */
	json_t *ghost = json_pack("{s:i, s:s}", "id", 99, "username", "ghost");
	assert_int_equal(fl_relationship_append(f->db, &Role, admin, "users", ghost), FL_ENOTFOUND);
	fl_db_rollback(f->db);
}

static void test_one_to_many_remove(void **state)
{
	struct tmpdb *f = *state;
	json_t *admin = add(f, &Role, "{\"name\": \"Admin\"}");
	json_t *john = add(f, &User, "{\"username\": \"john\", \"role_id\": 1}");
	json_t *susan = add(f, &User, "{\"username\": \"susan\"}");
	json_t *a = add(f, &Article, "{\"title\": \"t\", \"user_id\": 1}");
	OK(fl_db_commit(f->db));
	/* role.users.remove(john): role_id set to NULL, john kept */
	OK(fl_relationship_remove(f->db, &Role, admin, "users", john));
	assert_true(json_is_null(json_object_get(john, "role_id")));
	/* removing what is not there: ValueError, nothing poisoned */
	assert_int_equal(fl_relationship_remove(f->db, &Role, admin, "users", john), FL_ENOTFOUND);
	assert_non_null(strstr(fl_db_errmsg(f->db), "not in Role.users"));
	assert_int_equal(fl_relationship_remove(f->db, &Role, admin, "users", susan), FL_ENOTFOUND);
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users WHERE role_id IS NULL"), 2);
	/* user.articles.remove(a) with articles.user_id NOT NULL: the flush fails */
	assert_int_equal(fl_relationship_remove(f->db, &User, john, "articles", a), FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_column(f->db), "user_id");
	assert_non_null(strstr(fl_db_errmsg(f->db), "NOT NULL"));
	assert_int_equal(fl_db_commit(f->db), FL_ECONSTRAINT);   /* poisoned: rolled back */
	assert_int_equal(scalar(f, "SELECT user_id FROM articles"), 1);
}

static void test_many_to_one_set(void **state)
{
	struct tmpdb *f = *state;
	add(f, &Role, "{\"name\": \"Admin\"}");
	json_t *user_role = add(f, &Role, "{\"name\": \"User\"}");
	json_t *john = add(f, &User, "{\"username\": \"john\", \"role_id\": 1}");
	OK(fl_db_commit(f->db));
	/* user.role = user_role (a backref of Role.users) */
	json_object_set_new(john, "role", json_null());   /* as if loaded */
	OK(fl_relationship_set(f->db, &User, john, "role", user_role));
	assert_int_equal(ival(john, "role_id"), 2);
	assert_ptr_equal(json_object_get(john, "role"), user_role);
	/* user.role = None */
	OK(fl_relationship_set(f->db, &User, john, "role", NULL));
	OK(fl_db_commit(f->db));
	assert_true(json_is_null(json_object_get(get(f, &User, 1), "role_id")));
	/* article.user = john on an unsaved article: the key, then session.add */
	json_t *a = json_pack("{s:s}", "title", "hello");
	OK(fl_relationship_set(f->db, &Article, a, "user", john));
	assert_int_equal(ival(a, "user_id"), 1);
	OK(fl_db_add(f->db, &Article, a));
	/* an unsaved role is INSERTed, then referenced */
	json_t *mod = json_pack("{s:s}", "name", "Moderator");
	OK(fl_relationship_set(f->db, &User, john, "role", mod));
	assert_int_equal(ival(mod, "id"), 3);
	OK(fl_db_commit(f->db));
	assert_int_equal(ival(get(f, &User, 1), "role_id"), 3);
	/* article.user = None into a NOT NULL key */
	assert_int_equal(fl_relationship_set(f->db, &Article, a, "user", NULL), FL_ECONSTRAINT);
	assert_int_equal(fl_db_commit(f->db), FL_ECONSTRAINT);
	assert_int_equal(ival(get(f, &Article, 1), "user_id"), 1);
}

/* ident.user = u: the backref of User.ident, scalar, key on users.ident_id */
static void test_one_to_one_backref_set(void **state)
{
	struct tmpdb *f = *state;
	json_t *home = add(f, &Ident, "{\"address\": \"home\"}");
	json_t *john = add(f, &User, "{\"username\": \"john\"}");
	json_t *susan = add(f, &User, "{\"username\": \"susan\"}");
	OK(fl_db_commit(f->db));
	OK(fl_relationship_set(f->db, &Ident, home, "user", john));
	assert_int_equal(ival(john, "ident_id"), 1);
	/* moving it to susan clears john's (users.ident_id is UNIQUE) */
	OK(fl_relationship_set(f->db, &Ident, home, "user", susan));
	OK(fl_db_commit(f->db));
	assert_true(json_is_null(json_object_get(get(f, &User, 1), "ident_id")));
	assert_int_equal(ival(get(f, &User, 2), "ident_id"), 1);
	/* an unsaved user takes it */
	json_t *david = json_pack("{s:s}", "username", "david");
	OK(fl_relationship_set(f->db, &Ident, home, "user", david));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users WHERE ident_id = 1"), 1);
	assert_int_equal(scalar(f, "SELECT id FROM users WHERE ident_id = 1"), 3);
	/* ident.user = None */
	OK(fl_relationship_set(f->db, &Ident, home, "user", NULL));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users WHERE ident_id IS NOT NULL"), 0);
	/* user.ident = home (the declared side, many-to-one) */
	OK(fl_relationship_set(f->db, &User, john, "ident", home));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT ident_id FROM users WHERE id = 1"), 1);
}

/* ---- many-to-many ---- */

static void test_many_to_many_both_sides(void **state)
{
	struct tmpdb *f = *state;
	json_t *s = add(f, &Student, "{\"s_name\": \"amy\"}");
	json_t *math = add(f, &Course, "{\"cname\": \"math\"}");
	json_t *art = add(f, &Course, "{\"cname\": \"art\"}");
	OK(fl_db_commit(f->db));
	json_t *loaded;
	OK(fl_query_first(fl_query_load(fl_query_new(f->db, f->arena, &Student), "courses"), &loaded));
	OK(fl_relationship_append(f->db, &Student, loaded, "courses", math));
	OK(fl_relationship_append(f->db, &Student, loaded, "courses", math));   /* no second row */
	assert_int_equal(json_array_size(json_object_get(loaded, "courses")), 1);
	/* course.students.append(student): the backref writes the same table */
	OK(fl_relationship_append(f->db, &Course, art, "students", s));
	OK(fl_relationship_append(f->db, &Course, math, "students", s));
	/* an unsaved course is INSERTed, then linked */
	json_t *music = json_pack("{s:s}", "cname", "music");
	OK(fl_relationship_append(f->db, &Student, s, "courses", music));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM student_course"), 3);
	bool in = false;
	OK(fl_relationship_contains(f->db, &Student, s, "courses", art, &in));
	assert_true(in);
	OK(fl_relationship_contains(f->db, &Course, music, "students", s, &in));
	assert_true(in);
	/* student.courses.remove(art): the link goes, both rows stay */
	OK(fl_relationship_remove(f->db, &Student, s, "courses", art));
	OK(fl_relationship_contains(f->db, &Student, s, "courses", art, &in));
	assert_false(in);
	assert_int_equal(fl_relationship_remove(f->db, &Student, s, "courses", art), FL_ENOTFOUND);
	OK(fl_relationship_remove(f->db, &Course, math, "students", loaded));
	assert_int_equal(json_array_size(json_object_get(loaded, "courses")), 1);   /* only `loaded`'s own list */
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM student_course"), 1);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM course"), 3);
	/* an unsaved other is in no collection */
	OK(fl_relationship_contains(f->db, &Student, s, "courses", json_pack("{s:s}", "cname", "x"),
		&in));
	assert_false(in);
}

/* ---- cascades on delete ---- */

static void test_delete_orphan(void **state)
{
	struct tmpdb *f = *state;
	json_t *tolkien = add(f, &Author, "{\"name\": \"Tolkien\"}");
	json_t *hobbit = add(f, &Book, "{\"title\": \"Hobbit\", \"author_id\": 1}");
	add(f, &Book, "{\"title\": \"Silmarillion\", \"author_id\": 1}");
	add(f, &Book, "{\"title\": \"Lord\", \"author_id\": 1}");
	OK(fl_db_commit(f->db));
	/* author.books.remove(hobbit) with delete-orphan: the book is deleted */
	OK(fl_relationship_remove(f->db, &Author, tolkien, "books", hobbit));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM books"), 2);
	/* session.delete(author): its books go first */
	OK(fl_db_delete(f->db, &Author, json_pack("{s:i}", "id", 1)));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM books"), 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM authors"), 0);
	/* a missing row: FL_ENOTFOUND, nothing poisoned */
	assert_int_equal(fl_db_delete(f->db, &Author, json_pack("{s:i}", "id", 1)), FL_ENOTFOUND);
	OK(fl_db_commit(f->db));
}

/* Without a cascade, children get a NULL foreign key (SQLAlchemy's
 * default); a NOT NULL one fails and the whole delete is rolled back. */
static void test_delete_nullifies_children(void **state)
{
	struct tmpdb *f = *state;
	json_t *admin = add(f, &Role, "{\"name\": \"Admin\"}");
	add(f, &User, "{\"username\": \"john\", \"role_id\": 1}");
	add(f, &User, "{\"username\": \"susan\", \"role_id\": 1}");
	add(f, &Article, "{\"title\": \"t\", \"user_id\": 2}");
	json_t *home = add(f, &Ident, "{\"address\": \"home\"}");
	OK(fl_db_update(f->db, &User, json_pack("{s:i, s:i}", "id", 1, "ident_id", 1)));
	OK(fl_db_commit(f->db));
	OK(fl_db_delete(f->db, &Role, admin));
	OK(fl_db_delete(f->db, &Ident, home));   /* ident.user (a backref) let go */
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users WHERE role_id IS NULL"), 2);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users WHERE ident_id IS NULL"), 2);
	/* john has no articles: deleted; susan's article cannot lose its author */
	OK(fl_db_delete(f->db, &User, json_pack("{s:i}", "id", 1)));
	assert_int_equal(fl_db_delete(f->db, &User, json_pack("{s:i}", "id", 2)), FL_ECONSTRAINT);
	assert_string_equal(fl_db_error_column(f->db), "user_id");
	assert_int_equal(fl_db_commit(f->db), FL_ECONSTRAINT);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM users"), 2);   /* john back too */
}

/* A failure deep inside a cascade rolls back everything the cascade did. */
static void test_delete_failure_rolls_back_cascade(void **state)
{
	struct tmpdb *f = *state;
	add(f, &Author, "{\"name\": \"A\"}");
	add(f, &Book, "{\"title\": \"one\", \"author_id\": 1}");
	add(f, &Book, "{\"title\": \"two\", \"author_id\": 1}");
	add(f, &Review, "{\"book_id\": 2}");   /* NOT NULL key, no cascade */
	OK(fl_db_commit(f->db));
	assert_int_equal(fl_db_delete(f->db, &Author, json_pack("{s:i}", "id", 1)), FL_ECONSTRAINT);
	assert_non_null(strstr(fl_db_errmsg(f->db), "reviews.book_id"));
	/* book one was deleted before the failure: the commit undoes it */
	assert_int_equal(fl_db_commit(f->db), FL_ECONSTRAINT);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM books"), 2);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM authors"), 1);
}

static void test_delete_self_referential(void **state)
{
	struct tmpdb *f = *state;
	json_t *root = add(f, &Node, "{\"label\": \"root\"}");
	json_t *a = json_pack("{s:s}", "label", "a");
	json_t *b = json_pack("{s:s}", "label", "b");
	OK(fl_relationship_append(f->db, &Node, root, "children", a));
	OK(fl_relationship_append(f->db, &Node, a, "children", b));
	json_t *c = add(f, &Node, "{\"label\": \"c\"}");
	OK(fl_relationship_set(f->db, &Node, c, "parent", b));   /* c.parent = b */
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT parent_id FROM nodes WHERE label = 'c'"), 3);
	bool in;
	OK(fl_relationship_contains(f->db, &Node, b, "children", c, &in));
	assert_true(in);
	OK(fl_db_delete(f->db, &Node, root));   /* all, delete-orphan: the whole tree */
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM nodes"), 0);
}

/* ---- an association table without a primary key (db.Table) ---- */

static void test_association_without_primary_key(void **state)
{
	struct tmpdb *f = *state;
	const char *ddl;
	OK(fl_model_create_sql(&PostTags, f->arena, &ddl));
	assert_null(strstr(ddl, "PRIMARY KEY"));
	json_t *p1 = add(f, &Post, "{\"title\": \"p1\"}");
	json_t *p2 = add(f, &Post, "{\"title\": \"p2\"}");
	json_t *c = add(f, &Tag, "{\"name\": \"c\"}");
	json_t *sql = add(f, &Tag, "{\"name\": \"sql\"}");
	OK(fl_relationship_append(f->db, &Post, p1, "tags", sql));
	OK(fl_relationship_append(f->db, &Post, p1, "tags", c));
	OK(fl_relationship_append(f->db, &Post, p1, "tags", c));
	OK(fl_relationship_append(f->db, &Tag, c, "posts", p2));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM post_tags"), 3);
	/* loading: eager (ordered by name) and dynamic, through the table */
	json_t *posts;
	fl_query *q = fl_query_order_by(fl_query_new(f->db, f->arena, &Post), "id", false);
	OK(fl_query_all(fl_query_load(q, "tags.posts"), &posts));
	json_t *tags = json_object_get(json_array_get(posts, 0), "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tags, 0), "name")), "c");
	assert_int_equal(json_array_size(json_object_get(json_array_get(tags, 0), "posts")), 2);
	long n;
	OK(fl_query_count(fl_query_related(f->db, f->arena, &Tag, c, "posts"), &n));
	assert_int_equal(n, 2);
	/* remove, and contains, keyed by the foreign-key pair */
	OK(fl_relationship_remove(f->db, &Post, p1, "tags", sql));
	bool in = true;
	OK(fl_relationship_contains(f->db, &Post, p1, "tags", sql, &in));
	assert_false(in);
	/* a link row deleted directly: identified by its foreign keys */
	OK(fl_db_delete(f->db, &PostTags, json_pack("{s:i, s:i}", "post_id", 2, "tag_id", 1)));
	assert_int_equal(fl_db_delete(f->db, &PostTags, json_pack("{s:i}", "post_id", 2)), FL_EINVAL);
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM post_tags"), 1);
	/* session.delete(post) and delete(tag) clean their association rows,
	 * either side, and keep the other side's rows */
	OK(fl_relationship_append(f->db, &Post, p2, "tags", sql));
	OK(fl_db_delete(f->db, &Post, p1));
	OK(fl_db_delete(f->db, &Tag, sql));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM post_tags"), 0);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM tags"), 1);
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM posts"), 1);
}

/* ---- bad calls ---- */

static void test_bad_names_and_rows(void **state)
{
	struct tmpdb *f = *state;
	json_t *s = add(f, &Student, "{\"s_name\": \"amy\"}");
	json_t *math = add(f, &Course, "{\"cname\": \"math\"}");
	json_t *john = add(f, &User, "{\"username\": \"john\"}");
	OK(fl_db_commit(f->db));
	bool in;
	assert_int_equal(fl_relationship_append(f->db, &Student, s, "cours", math), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(f->db), "no relationship cours"));
	assert_int_equal(fl_relationship_contains(f->db, &Student, s, "nope", math, &in), FL_EINVAL);
	assert_int_equal(fl_relationship_remove(f->db, &Student, s, NULL, math), FL_EINVAL);
	/* a row of the wrong model, on either side */
	assert_int_equal(fl_relationship_append(f->db, &Student, s, "courses", john), FL_EINVAL);
	assert_string_equal(fl_db_error_column(f->db), "username");
	assert_int_equal(fl_relationship_append(f->db, &Student, math, "courses", math), FL_EINVAL);
	assert_int_equal(fl_relationship_append(f->db, &Student, s, "courses", NULL), FL_EINVAL);
	/* a scalar is set, a collection appended */
	assert_int_equal(fl_relationship_append(f->db, &User, john, "role",
		json_pack("{s:s}", "name", "x")), FL_EINVAL);
	assert_non_null(strstr(fl_db_errmsg(f->db), "fl_relationship_set"));
	assert_int_equal(fl_relationship_set(f->db, &Student, s, "courses", math), FL_EINVAL);
	assert_int_equal(fl_relationship_contains(f->db, &User, john, "role", json_object(), &in),
		FL_EINVAL);
	/* an unsaved parent's collection cannot be written (nor holds anything) */
	json_t *unsaved = json_pack("{s:s}", "s_name", "bob");
	assert_int_equal(fl_relationship_append(f->db, &Student, unsaved, "courses", math), FL_EINVAL);
	OK(fl_relationship_contains(f->db, &Student, unsaved, "courses", math, &in));
	assert_false(in);
	/* none of this poisoned the unit of work */
	OK(fl_relationship_append(f->db, &Student, s, "courses", math));
	OK(fl_db_commit(f->db));
	assert_int_equal(scalar(f, "SELECT COUNT(*) FROM student_course"), 1);
}

/* ---- SQLAlchemy as the oracle ---- */

static const char oracle_py[] =
"import datetime, sys\n"
"from sqlalchemy import create_engine, Column, Integer, String, ForeignKey, Table, DateTime, event\n"
"from sqlalchemy.orm import declarative_base, relationship, backref, Session\n"
"B = declarative_base()\n"
"class Role(B):\n"
"    __tablename__ = 'roles'\n"
"    id = Column(Integer, primary_key=True); name = Column(String(64), unique=True)\n"
"    users = relationship('User', backref='role', order_by='User.username')\n"
"class User(B):\n"
"    __tablename__ = 'users'\n"
"    id = Column(Integer, primary_key=True); username = Column(String(64))\n"
"    role_id = Column(Integer, ForeignKey('roles.id'))\n"
"    ident_id = Column(Integer, ForeignKey('idents.id'), unique=True)\n"
"    password_hash = Column(String(256))\n"
"    member_since = Column(DateTime(), default=datetime.datetime.utcnow)\n"
"    ident = relationship('Ident', backref=backref('user', uselist=False), uselist=False)\n"
"class Ident(B):\n"
"    __tablename__ = 'idents'\n"
"    id = Column(Integer, primary_key=True); address = Column(String(128))\n"
"post_tags = Table('post_tags', B.metadata, Column('post_id', ForeignKey('posts.id')),\n"
"                  Column('tag_id', ForeignKey('tags.id')))\n"
"class Post(B):\n"
"    __tablename__ = 'posts'\n"
"    id = Column(Integer, primary_key=True); title = Column(String(64))\n"
"    tags = relationship('Tag', secondary=post_tags, backref='posts')\n"
"class Tag(B):\n"
"    __tablename__ = 'tags'\n"
"    id = Column(Integer, primary_key=True); name = Column(String(32))\n"
"class Author(B):\n"
"    __tablename__ = 'authors'\n"
"    id = Column(Integer, primary_key=True); name = Column(String(64))\n"
"    books = relationship('Book', backref='author', cascade='all, delete-orphan')\n"
"class Book(B):\n"
"    __tablename__ = 'books'\n"
"    id = Column(Integer, primary_key=True); title = Column(String(64))\n"
"    author_id = Column(Integer, ForeignKey('authors.id'), nullable=False)\n"
"e = create_engine('sqlite:///' + sys.argv[1])\n"
"@event.listens_for(e, 'connect')\n"
"def fk(c, r): c.execute('PRAGMA foreign_keys=ON')\n"
"s = Session(e)\n"
"admin, other = s.get(Role, 1), s.get(Role, 2)\n"
"john, susan = s.get(User, 1), s.get(User, 2)\n"
"other.users.append(john)\n"
"admin.users.append(User(username='new'))\n"
"s.get(Ident, 1).user = susan\n"
"s.flush()\n"
"s.delete(admin)\n"
"p1, p2 = s.get(Post, 1), s.get(Post, 2)\n"
"t1, t2 = s.get(Tag, 1), s.get(Tag, 2)\n"
"p1.tags.append(t2); t2.posts.append(p2); p1.tags.remove(t1)\n"
"s.flush()\n"
"s.delete(p2)\n"
"a = s.get(Author, 1)\n"
"a.books.remove(s.get(Book, 1))\n"
"s.flush()\n"
"s.delete(s.get(Author, 2))\n"
"s.commit()\n";

/* Every table the scenario touches, sorted, one line each; a timestamp
 * (member_since's utcnow default) shows as <utcnow>, both sides having
 * taken their own. */
static const char dump_py[] =
"import re, sys, sqlite3\n"
"db = sqlite3.connect(sys.argv[1])\n"
"now = re.compile(r'\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}$')\n"
"def v(x): return '<utcnow>' if isinstance(x, str) and now.match(x) else x\n"
"for t in ('roles', 'users', 'idents', 'posts', 'tags', 'post_tags', 'authors', 'books'):\n"
"    print(t, sorted(tuple(v(x) for x in r) for r in db.execute('SELECT * FROM %s' % t)))\n";

/* The same scenario in C, statement for statement. */
static void run_scenario(struct tmpdb *f)
{
	json_t *admin = get(f, &Role, 1), *other = get(f, &Role, 2);
	json_t *john = get(f, &User, 1), *susan = get(f, &User, 2);
	OK(fl_relationship_append(f->db, &Role, other, "users", john));
	OK(fl_relationship_append(f->db, &Role, admin, "users", json_pack("{s:s}", "username", "new")));
	OK(fl_relationship_set(f->db, &Ident, get(f, &Ident, 1), "user", susan));
	OK(fl_db_delete(f->db, &Role, admin));
	json_t *p1 = get(f, &Post, 1), *p2 = get(f, &Post, 2);
	json_t *t1 = get(f, &Tag, 1), *t2 = get(f, &Tag, 2);
	OK(fl_relationship_append(f->db, &Post, p1, "tags", t2));
	OK(fl_relationship_append(f->db, &Tag, t2, "posts", p2));
	OK(fl_relationship_remove(f->db, &Post, p1, "tags", t1));
	OK(fl_db_delete(f->db, &Post, p2));
	OK(fl_relationship_remove(f->db, &Author, get(f, &Author, 1), "books", get(f, &Book, 1)));
	OK(fl_db_delete(f->db, &Author, get(f, &Author, 2)));
	OK(fl_db_commit(f->db));
}

/* Run Python `script` (saved in the test's folder as `name`) on the
 * database `db`; its output (stdout and stderr) in `a`. */
static const char *python(struct tmpdb *f, const char *name, const char *script, const char *db)
{
	char path[160], cmd[400];
	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	fputs(script, out);
	fclose(out);
	snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s 2>&1", path, db);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	fl_buf b;
	fl_buf_init(&b, f->arena);
	char chunk[512];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		fl_buf_append(&b, chunk, n);
	pclose(p);
	return fl_buf_cstr(&b);
}

static void test_sqlalchemy_oracle(void **state)
{
	(void)state;
	if (!oracle_has("sqlalchemy"))
		fail_msg("SQLAlchemy is missing: make install-deps");
	struct tmpdb *f = tmpdb_new("relwrite");
	fl_db_set_models(f->db, models);
	OK(fl_create_all(f->db, f->arena, models));
	const char *seed[] = {
		"INSERT INTO roles (name) VALUES ('Admin'), ('User')",
		"INSERT INTO idents (address) VALUES ('home')",
		"INSERT INTO users (username, role_id, ident_id) VALUES ('john', 1, 1), ('susan', 1, NULL),"
		" ('david', 2, NULL)",
		"INSERT INTO posts (title) VALUES ('p1'), ('p2'), ('p3')",
		"INSERT INTO tags (name) VALUES ('c'), ('sql')",
		"INSERT INTO post_tags VALUES (1, 1), (2, 1), (3, 2)",
		"INSERT INTO authors (name) VALUES ('A'), ('B')",
		"INSERT INTO books (title, author_id) VALUES ('a1', 1), ('a2', 1), ('b1', 2), ('b2', 2)",
	};
	for (size_t i = 0; i < sizeof seed / sizeof *seed; i++)
		OK(fl_db_execute(f->db, seed[i], NULL, NULL, NULL));
	OK(fl_db_commit(f->db));
	OK(fl_db_exec_script(f->db, "PRAGMA wal_checkpoint(TRUNCATE)"));
	char copy[160], cmd[400];
	snprintf(copy, sizeof copy, "%s/oracle.sqlite", f->dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", f->dbpath, copy);
	assert_int_equal(system(cmd), 0);
	run_scenario(f);
	/* SQLAlchemy on the copy, then both dumped the same way */
	assert_string_equal(python(f, "oracle.py", oracle_py, copy), "");
	const char *ours = python(f, "dump.py", dump_py, f->dbpath);
	print_message("%s", ours);
	assert_string_equal(ours, python(f, "dump.py", dump_py, copy));
	tmpdb_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_one_to_many_append),
		T(test_one_to_many_remove),
		T(test_many_to_one_set),
		T(test_one_to_one_backref_set),
		T(test_many_to_many_both_sides),
		T(test_delete_orphan),
		T(test_delete_nullifies_children),
		T(test_delete_failure_rolls_back_cascade),
		T(test_delete_self_referential),
		T(test_association_without_primary_key),
		T(test_bad_names_and_rows),
		cmocka_unit_test(test_sqlalchemy_oracle),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
