import { opts, type RootCategory } from './types.ts';

const adultSizes = ['S', 'M', 'L', 'XL'];

export const fashion: RootCategory = {
  slug: 'fashion',
  name: 'Fashion',
  code: 'FASH',
  children: [
    {
      slug: 'mens-clothing',
      name: "Men's Clothing",
      code: 'MEN',
      count: 48,
      price: [990, 12900],
      lines: [
        {
          brands: ['Kasual', 'Lumi Basics', 'Giordano', 'Padini Concept', 'Erigo', 'Bench'],
          items: ['Oxford Shirt', 'Dry-Fit Crew Neck Tee', 'Slim Chino Pants', 'Linen Blend Shirt', 'Pique Polo Shirt', 'Jogger Pants', 'Denim Jacket'],
        },
      ],
      variants: [opts('color', ['Navy', 'White', 'Olive', 'Black', 'Khaki'])],
      attrs: { size: [...adultSizes, 'XXL'] },
      descriptions: [
        'A breathable {item} cut for humid days, from {brand}.',
        '{name}: an easy wardrobe staple that goes from office to hawker centre.',
        'The {brand} {item} in soft, quick-drying fabric that keeps its shape wash after wash.',
      ],
      extras: ['Regular fit; size up for a relaxed look.', 'Machine washable at 30°C.'],
    },
    {
      slug: 'womens-clothing',
      name: "Women's Clothing",
      code: 'WMN',
      count: 44,
      price: [1290, 15900],
      lines: [
        {
          brands: ['Love, Bonito', 'Cotton Ink', 'Pomelo', 'Kasual', 'Lumi Basics'],
          items: ['Wrap Midi Dress', 'Linen Wide-Leg Pants', 'Pleated Skirt', 'Relaxed Blouse', 'Knit Cardigan', 'Modest Maxi Dress', 'Oversized Tee'],
        },
      ],
      variants: [opts('color', ['Dusty Pink', 'Sage', 'Ivory', 'Black', 'Terracotta'])],
      attrs: { size: ['XS', ...adultSizes] },
      descriptions: [
        'The {brand} {item}, designed for Asian fits and tropical weather.',
        '{name} in a light, flowing fabric that stays cool all day.',
        'A versatile {item} from {brand} for work, weekends and weddings.',
      ],
      extras: ['Model is 165 cm and wears size S.', 'Hand wash recommended.'],
    },
    {
      slug: 'batik-traditional-wear',
      name: 'Batik & Traditional Wear',
      code: 'BTK',
      count: 48,
      price: [1990, 49900],
      lines: [
        {
          brands: ['Batik Keris', 'Danar Hadi', 'Rumah Batik Pekalongan'],
          items: ['Batik Tulis Long-Sleeve Shirt', 'Batik Cap Short-Sleeve Shirt', 'Batik Sarong', 'Batik Kebaya Top'],
          price: [3990, 29900],
          attrs: { size: adultSizes, origin: 'Indonesia' },
          variants: [opts('motif', ['Parang', 'Kawung', 'Mega Mendung', 'Truntum'])],
        },
        {
          brands: ['Rumah Songket', 'Jakel'],
          items: ['Baju Melayu Cekak Musang', 'Baju Kurung Moden', 'Songket Samping'],
          price: [5990, 39900],
          attrs: { size: adultSizes, origin: 'Malaysia' },
        },
        {
          brands: ['Jim Thompson', 'Sutera Siam'],
          items: ['Thai Silk Scarf', 'Thai Silk Pocket Square', 'Thai Silk Pha Sin Skirt'],
          price: [2990, 49900],
          attrs: { material: 'silk', origin: 'Thailand' },
        },
        {
          brands: ['Saigon Ao Dai House'],
          items: ['Silk Ao Dai Set', 'Non La Conical Hat'],
          price: [1990, 29900],
          attrs: { origin: 'Vietnam' },
        },
        {
          brands: ['Barong Manila'],
          items: ['Barong Tagalog Pina Blend'],
          price: [7990, 29900],
          attrs: { size: adultSizes, origin: 'Philippines' },
        },
      ],
      variants: [opts('color', ['Indigo', 'Maroon', 'Emerald', 'Gold'])],
      descriptions: [
        '{name}, made by artisans with traditional techniques handed down for generations.',
        'The {brand} {item}: heritage craft for Hari Raya, Lunar New Year and weddings.',
        'A {item} from {brand}, every piece slightly unique because it is made by hand.',
      ],
      extras: ['Dry clean or gentle hand wash only.', 'Colours may vary slightly between batches.'],
    },
    {
      slug: 'shoes',
      name: 'Shoes',
      code: 'SHO',
      count: 40,
      price: [1990, 12900],
      lines: [
        {
          brands: ['Compass', 'Ventela', 'Bata'],
          items: ['Canvas Low Sneakers', 'Retro High-Top Sneakers', 'Slip-On Sneakers'],
          price: [3990, 12900],
          attrs: { size: ['39', '40', '41', '42', '43', '44'] },
        },
        { brands: ['Fipper', 'Bata'], items: ['Rubber Flip-Flops', 'Comfort Sandals'], price: [1990, 5990], attrs: { size: ['38', '39', '40', '41', '42', '43'] } },
        {
          brands: ['Charles & Keith'],
          items: ['Block Heel Mules', 'Pointed Flats', 'Chunky Loafers'],
          price: [4990, 12900],
          attrs: { size: ['35', '36', '37', '38', '39', '40'] },
        },
      ],
      variants: [opts('color', ['Black', 'White', 'Navy', 'Tan'])],
      descriptions: [
        '{name} with a cushioned insole for long days on your feet.',
        'The {brand} {item}: a locally loved classic that goes with everything.',
        'Comfortable {brand} footwear with a grippy sole for rainy-season pavements.',
      ],
      extras: ['True to size.', 'Free exchange within 14 days if the size is wrong.'],
    },
  ],
};
